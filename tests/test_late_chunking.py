"""Late chunking with the real model: token states, span pooling by character offsets, segments,
and where the grounding windows lie in their update (docs/grounding.md, seventh round)."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from coach.embeddings import POSITIONS, MiniLM
from coach.retrieval_query import query_windows, window_spans

TEXT = "Flood warnings reached 40,000 homes in Wales this week."


@pytest.fixture(scope="module")
def model(models_dir: Path) -> MiniLM:
    return MiniLM(models_dir)


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def test_whole_of_a_short_text_is_its_sentence_vector(model: MiniLM) -> None:
    (states,) = model.token_states([TEXT])
    assert float(states.whole() @ model.embed_uncached([TEXT])[0]) > 0.99999


def test_a_span_pools_exactly_the_pieces_inside_it(model: MiniLM) -> None:
    (s,) = model.token_states([TEXT])
    start = TEXT.index("warnings")
    end = start + len("warnings")
    j = [i for i, (a, b) in enumerate(s.offsets) if (a, b) == (start, end)]
    assert len(j) == 1  # "warnings" is one word piece
    (pooled,) = s.pool([(start, end)])
    np.testing.assert_allclose(pooled, _unit(s.states[j[0]]), atol=1e-6)
    # one character short at either end: the piece is no longer inside the span
    assert not s.pool([(start + 1, end)]).any()
    assert not s.pool([(start, end - 1)]).any()
    # two words: the mean of both pieces, not of a neighbour
    both = s.pool([(TEXT.index("Flood"), end)])[0]
    np.testing.assert_allclose(both, _unit(s.states[j[0] - 1 : j[0] + 1].mean(0)), atol=1e-6)
    assert float(both @ _unit(s.states[j[0] + 1])) < 0.999


def test_a_text_longer_than_the_positions_is_read_in_segments(model: MiniLM) -> None:
    long = " ".join(f"Item {i}: the flood warning service reached homes." for i in range(120))
    (s,) = model.token_states([long])
    assert len(s.states) == len(s.offsets) > POSITIONS
    assert np.isfinite(s.states).all()
    # the last piece is the final "." and its state comes from the last segment
    assert tuple(s.offsets[-1]) == (len(long) - 1, len(long))
    # the opening pieces see only the first segment: the same as reading its first 510 alone
    head = long[: int(s.offsets[509][1])]
    (alone,) = model.token_states([head])
    np.testing.assert_allclose(s.states[:100], alone.states[:100], atol=1e-4)


def test_window_spans_cover_each_window_in_order() -> None:
    text = (
        "## Flood warnings\n\nWe moved the flood warning service to the new platform. " * 6
        + "\n\n- Licensing: 300 species licences issued.\n- Permits: backlog down by a third.\n\n"
        + "Next week we start the river basin consultation with farmers and councils. " * 6
    )
    windows = query_windows(text)
    assert len(windows) > 1
    spans = window_spans(text, windows)
    for w, (a, b) in zip(windows, spans, strict=True):
        assert text[a:b].split() == w.split()
    assert all(b <= c for (_, b), (c, _) in itertools.pairwise(spans))
