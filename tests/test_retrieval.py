"""Retrieval against a real store: citations, pillars, hybrid ranking, alignment, collections.

test_server_mode.py runs these same tests against a real `chroma run` server by overriding the
`rcoach` fixture.
"""

from __future__ import annotations

import doctest
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

import coach.retrieval_query
from coach import Coach
from coach.retrieval import (
    BM25,
    Calibration,
    Retriever,
    calibration,
    query_texts,
    query_vector,
    query_windows,
    tokens,
)
from tests.conftest import CORPUS


def make_home(tmp: Path, models_dir: Path) -> Path:
    """A COACH_HOME that shares the session's ONNX cache (building it takes ~20 s)."""
    tmp.mkdir(parents=True, exist_ok=True)
    link = tmp / "models"
    if not link.exists():
        link.symlink_to(models_dir, target_is_directory=True)
    return tmp


@pytest.fixture(scope="module")
def rcoach(tmp_path_factory: pytest.TempPathFactory, models_dir: Path) -> Iterator[Coach]:
    home = make_home(tmp_path_factory.mktemp("retrieval"), models_dir)
    c = Coach(home=home, engine="offline")
    c.ingest([CORPUS])
    yield c
    c.store.close()


def test_retrieve_returns_cited_passages(rcoach: Coach) -> None:
    hits = rcoach.retrieve("Moved outpatient booking into the patient app", k=3)
    assert len(hits) == 3
    assert len({h.id for h in hits}) == 3
    assert hits[0].pillar == "digital"
    for h in hits:
        assert h.source.endswith(".md") and "/" not in h.source  # relative to the corpus root
        assert h.text and h.title and h.section
        assert 0 < h.score <= 1


def test_retrieve_k_and_pillars(rcoach: Coach) -> None:
    hits = rcoach.retrieve("replaced gas boilers with heat pumps to cut carbon", k=5)
    assert len(hits) == 5
    assert hits[0].pillar == "estate"


def test_lexical_evidence_counts(rcoach: Coach) -> None:
    """A rare exact term (a programme name) is found even when the wording is tool talk."""
    hits = rcoach.retrieve("East Wing programme board: signed off the RIBA stage 4 pack", k=3)
    assert any(h.pillar == "estate" for h in hits)


def test_alignment_flags_unmapped_work(rcoach: Coach) -> None:
    units = [
        "Validated 1,100 pathways on the orthopaedic waiting list; 52-week waits fell to 2,100.",
        "Thanks to Tomasz for covering the late shift.",
    ]
    got = rcoach.retriever.align(units, rcoach.settings.collection)
    floor = calibration().unit_threshold
    assert got[0].pillar == "access" and got[0].score >= floor and got[0].passage
    assert got[1].pillar == "" and got[1].score < floor


def test_rewrite_carries_alignment(rcoach: Coach) -> None:
    r = rcoach.rewrite(
        "Validated 1,100 pathways on the orthopaedic waiting list; 52-week waits fell to 2,100."
    )
    d = r.to_dict()
    assert d["alignment"] and d["alignment"][0]["pillar"] == "access"
    assert "unmapped" in d


def test_empty_collection_gives_no_passages(rcoach: Coach) -> None:
    assert rcoach.retrieve("anything at all", collection="nothing-here") == []


def test_bm25_ranks_the_term_match_first() -> None:
    bm = BM25(["heat pumps for the east wing", "agency nurses", "online booking in the app"])
    assert bm.top("booking appointments online", 3)[0] == 2
    assert tokens("Bookings running") == ["booking", "runn"]


def test_ground_cites_only_a_clear_link(rcoach: Coach) -> None:
    """Related work earns a citation; unrelated work earns none, only a suggestion."""
    name = rcoach.settings.collection
    text = "East Wing: structural completion reached, within the £212 million budget, no RIDDOR."
    earned, _, suggestion = rcoach.retriever.ground(text, [text], 3, name)
    assert earned and earned[0].pillar == "estate" and suggestion is None
    other = "Brewed 14 batches of pale ale and the canning line ran at 92% uptime."
    earned, alignment, suggestion = rcoach.retriever.ground(other, [other], 3, name)
    assert earned == [] and suggestion is not None and suggestion.text
    assert [a.pillar for a in alignment] == [""]


def test_rewrite_without_a_clear_link_cites_nothing(rcoach: Coach) -> None:
    r = rcoach.rewrite("Brewed 14 batches of pale ale and the canning line ran at 92% uptime.")
    assert r.citations == () and r.suggestion is not None
    assert r.to_dict()["suggestion"]["id"] == r.suggestion.id


def test_query_windows_cover_a_long_update() -> None:
    """MiniLM reads 256 word pieces: a long update is also read as passage-sized windows."""
    assert query_windows("Closed 40 tickets and moved the board.") == []
    paras = [f"Paragraph {i}: " + "the heat pump work went on as planned. " * 12 for i in range(4)]
    windows = query_windows("\n\n".join(paras))
    assert len(windows) == 4 and all(len(w) <= 1000 for w in windows)
    assert [w.split(":")[0] for w in windows] == [f"Paragraph {i}" for i in range(4)]


def test_query_vector_is_the_windows_mean_with_the_first_twice() -> None:
    e1, e2 = np.eye(3, dtype=np.float32)[:2]
    assert np.allclose(query_vector(e1[None, :]), e1)  # a one-window update is its own vector
    got = query_vector(np.stack([e1, e2, e2]))
    assert np.allclose(got, (e1 + e2) / np.sqrt(2)) and np.isclose(np.linalg.norm(got), 1)
    assert np.allclose(query_vector(np.stack([e1, e2])), (2 * e1 + e2) / np.sqrt(5))
    assert query_texts("Closed 40 tickets.") == ["Closed 40 tickets."]


class Recording:
    """The real embedder, recording every text handed to it (a counting wrapper, no fake)."""

    def __init__(self, inner: object) -> None:
        self.inner, self.texts = inner, []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.texts += list(texts)
        return self.inner.embed(texts)  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


def test_a_long_updates_query_never_embeds_its_whole_text(rcoach: Coach) -> None:
    """The grounding query is its windows' mean: the whole text of a multi-window update is
    not embedded by a rewrite (MiniLM would read only its opening, the first window)."""
    import uuid

    from coach.cache import text_key

    mark = uuid.uuid4().hex[:8]  # a text no earlier test or run has embedded
    paras = [
        f"Ward {i} ({mark}): validated 120 pathways on the orthopaedic waiting list and "
        "booked the longest waiters first, so 52-week waits fell again this month. " * 3
        for i in range(4)
    ]
    text = "\n\n".join(paras)
    real = rcoach.retriever.embedder
    rec = Recording(real)
    rcoach.retriever.embedder = rec  # type: ignore[assignment]
    try:
        result = rcoach.rewrite(text)
    finally:
        rcoach.retriever.embedder = real
    windows = query_windows(result.source)
    assert len(windows) > 1 and result.source == text
    assert rec.texts[: len(windows)] == windows  # the query's texts are the windows
    assert text not in rec.texts and result.source not in rec.texts
    if real.vectors is not None:  # and nothing else on the rewrite path embedded it either
        assert not real.vectors.get_many([text_key(text)])
        assert len(real.vectors.get_many([text_key(w) for w in windows])) == len(windows)


def test_the_query_weight_comes_from_the_calibration_data(rcoach: Coach) -> None:
    """The score subtracts the query's background closeness times grounding.json's
    `query_weight`, which `--calibrate` fits on the background updates (never a constant)."""
    import json
    from dataclasses import replace

    from coach.evals.grounding_logo import fit_query_weight
    from coach.retrieval import Retriever

    raw = json.loads((Path(coach.__file__).parent / "data" / "grounding.json").read_text())
    cal = calibration()
    assert cal.query_weight == raw["query_weight"] and 0.0 < cal.query_weight < 1.0
    r = rcoach.retriever
    assert r.calibrated.query_weight == cal.query_weight
    name = rcoach.settings.collection
    slope = r.background_slope(name)
    assert np.isfinite(slope) and fit_query_weight(r, {"sample": name}) == round(slope, 4)
    # the weight is what the score uses: at weight 0 the query's closeness drops out
    plain = Retriever(rcoach.store, calibrated=replace(cal, query_weight=0.0))
    v = r.embedder.embed(["Closed 40 tickets and held four standups this week."])
    found = r.retrieve("Closed 40 tickets and held four standups this week.", 3, name)
    got, zero = r.normalised(name, v, [found])[0], plain.normalised(name, v, [found])[0]
    shift = -cal.query_weight * float(r.closeness(v)[0]) + plain.base(name) - r.base(name)
    assert np.allclose(np.subtract(got, zero), shift, atol=1e-5) and abs(shift) > 0.01


def test_a_unit_is_read_in_its_updates_context() -> None:
    """The docstring example: the update's topic picks the passage, the unit's cosine scores it."""
    result = doctest.testmod(coach.retrieval_query)
    assert result.attempted >= 4 and not result.failed


def test_ground_aligns_a_topicless_unit_by_its_update(rcoach: Coach) -> None:
    """A unit with no topic of its own ("merged the last PR") gets its update's passage."""
    name = rcoach.settings.collection
    text = (
        "East Wing heat pumps: the air-source units are commissioned and gas use is down 38%. "
        "Merged the last PR and closed the ticket."
    )
    units = ["Merged the last PR and closed the ticket."]
    alone = rcoach.retriever.align(units, name)[0]
    _, alignment, _ = rcoach.retriever.ground(text, units, 3, name)
    pillars = {h.id: h.metadata.get("pillar") for h in rcoach.store.all(name)}
    assert pillars[alone.passage] != "estate"  # read alone, the unit lands elsewhere
    assert pillars[alignment[0].passage] == "estate"


def test_a_unit_maps_only_to_a_passage_its_update_cites(rcoach: Coach) -> None:
    """The alignment map never claims a link the rewrite declines: a unit whose passage the
    update does not cite stays unmapped (it keeps its closest passage), however it scores."""
    name = rcoach.settings.collection
    estate = "East Wing: structural completion reached, within the £212 million budget."
    access = "Validated 1,100 pathways on the orthopaedic waiting list; 52-week waits fell."
    loose = Retriever(rcoach.store, calibrated=Calibration(threshold=-9.0, unit_threshold=-9.0))
    earned, alignment, _ = loose.ground(estate, [estate, access], 1, name)
    assert len(earned) == 1 and earned[0].pillar == "estate"
    assert alignment[0].pillar == "estate" and alignment[0].passage == earned[0].id
    # the access unit clears the (loose) unit floor, but its passage is not the one cited
    assert alignment[1].pillar == "" and alignment[1].passage not in {earned[0].id, ""}
    strict = Retriever(rcoach.store, calibrated=Calibration(threshold=9.0, unit_threshold=-9.0))
    earned, alignment, suggestion = strict.ground(estate, [estate], 3, name)
    assert earned == [] and suggestion is not None
    assert alignment[0].pillar == "" and alignment[0].passage  # closest passage still named


UNRELATED = [  # none of these is in coach/data/background_updates.txt (the base's own texts)
    "Brewed 14 batches of pale ale and the canning line ran at 92% uptime.",
    "The choir rehearsed twice this week and sold 230 tickets for the winter concert.",
    "Our bakery switched to a new flour supplier; croissant waste fell by a third.",
    "Harbour office: 41 moorings renewed, the slipway repair starts on Monday.",
    "Shipped version 2.3 of the mobile game with three new levels and fixed the login crash.",
    "The football club signed two coaches for the under-12s and relaid the training pitch.",
    "Library volunteers catalogued 900 donated books and ran four story-time sessions.",
    "The vineyard finished harvest early; yield was 6.1 tonnes per hectare.",
]


def test_a_small_collection_and_a_large_one_are_on_one_scale(rcoach: Coach) -> None:
    """An unrelated update's best cosine grows with the passages it is the best of (the max of
    154 draws is higher than the max of 11), so one threshold on raw cosines would cite more
    against a big corpus. The collection base (the median best score of the background updates
    against that collection) takes the growth out: after it, unrelated text scores alike
    against one document and against the whole corpus (docs/grounding.md, eighth round)."""
    big = rcoach.settings.collection
    rcoach.ingest([CORPUS / "east-wing-programme.md"], collection="one-document")
    r = rcoach.retriever
    vectors = r.embedder.embed(UNRELATED)
    raw, scored = {}, {}
    for name in (big, "one-document"):
        n = rcoach.store.count(name)
        got = [
            r.ground_vectors([t], vectors[i : i + 1], 3, name, n) for i, t in enumerate(UNRELATED)
        ]
        raw[name] = float(np.median([g.ranked[0].score for g in got]))
        scored[name] = float(np.median([g.scores[0] for g in got]))
    assert rcoach.store.count("one-document") < rcoach.store.count(big) / 10
    assert r.base("one-document") < r.base(big) - 0.05  # the expected best of fewer is lower
    gap_raw = raw[big] - raw["one-document"]
    gap_scored = abs(scored[big] - scored["one-document"])
    assert gap_raw > 0.05 and gap_scored < gap_raw / 3, (raw, scored)
