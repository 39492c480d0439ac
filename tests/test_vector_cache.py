"""The vector cache by text hash: same vectors as the model, each text embedded once, kept on
disk across processes, and a broken file never fatal. Speed is measured in bench, not here."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from coach.cache import VectorCache, text_key
from coach.embeddings import DIM, MiniLM

TEXTS = [
    "Closed 40 tickets in sprint 14.",
    "The new booking form went live on 3 March.",
    "Closed 40 tickets in sprint 14.",
    "",
]


@pytest.fixture(scope="module")
def model(models_dir: Path) -> MiniLM:
    return MiniLM(models_dir)


def test_cached_vectors_equal_the_model_and_each_text_runs_once(model: MiniLM) -> None:
    assert model.vectors is not None
    model.vectors.clear()
    before = model.embedded
    first = model.embed(TEXTS)
    assert model.embedded - before == 3  # the repeated text ran through the model once
    again = model.embed(list(reversed(TEXTS)))
    assert model.embedded - before == 3  # all from the cache
    np.testing.assert_array_equal(again, first[::-1])
    np.testing.assert_allclose(first, model.embed_uncached(TEXTS), atol=1e-6)


def test_results_are_fresh_arrays_the_caller_may_edit(model: MiniLM) -> None:
    a = model.embed(TEXTS[:1])
    a[0, :] = 0.0
    np.testing.assert_allclose(np.linalg.norm(model.embed(TEXTS[:1])[0]), 1.0, atol=1e-5)


def test_the_disk_file_serves_another_process(model: MiniLM) -> None:
    assert model.vectors is not None and model.vectors.path is not None
    text = "A sentence only this test embeds: the heron left the pond at 06:12."
    vector = model.embed([text])[0]
    code = (
        "import sys, numpy as np\n"
        "from coach.embeddings import MiniLM\n"
        f"m = MiniLM({str(model.vectors.path.parent)!r})\n"
        f"v = m.embed([{text!r}])[0]\n"
        "np.save(sys.stdout.buffer, np.asarray([m.embedded], dtype=np.float32))\n"
        "np.save(sys.stdout.buffer, v)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    import io

    buf = io.BytesIO(out.stdout)
    embedded, got = np.load(buf), np.load(buf)
    assert embedded[0] == 0  # served from the file, no model run
    np.testing.assert_array_equal(got, vector)


def test_each_cache_dir_keeps_its_own_file(model: MiniLM, tmp_path: Path) -> None:
    """The same weights in another cache dir (another COACH_HOME, an eval's temporary home that
    is deleted afterwards) get the file beside their own graph, not the first one this process
    opened: otherwise vectors go to a file the other home's processes never read."""
    other = MiniLM(tmp_path / "other-home" / "models")
    assert model.vectors is not None and other.vectors is not None
    assert model.vectors.path is not None and other.vectors.path is not None
    # resolved: a test home may link the session's models dir, and then shares its file
    assert model.vectors.path.parent == model.onnx_path.parent.resolve()
    assert other.vectors.path.parent == other.onnx_path.parent.resolve()
    assert other.vectors is not model.vectors


def test_a_broken_file_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "vectors.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    cache = VectorCache(DIM, path)
    key = text_key("x")
    cache.put_many([(key, np.ones(DIM, dtype=np.float32))])
    assert key in cache.get_many([key])  # memory still works


def test_writes_to_a_cache_whose_table_went_away_only_cost_time(tmp_path: Path) -> None:
    """Another process dropped the table under an open cache (a `coach cache clear` racing a
    batch, a half-restored backup): put, put_many and clear of both caches are no-ops, never
    errors, and the answer cache's clear says it removed nothing."""
    from coach.cache import AnswerCache

    answers = AnswerCache(tmp_path)
    answers.put("k", {"a": 1})
    assert answers.get("k") == {"a": 1}
    vectors = VectorCache(DIM, tmp_path / "vectors.sqlite3")
    vectors.put_many([(text_key("x"), np.ones(DIM, dtype=np.float32))])
    for path, table in ((answers.path, "answers"), (vectors.path, "vectors")):
        with sqlite3.connect(path) as db:
            db.execute(f"DROP TABLE {table}")
    answers.put("k2", {"b": 2})
    assert answers.get("k2") is None and answers.clear() == 0
    vectors.put_many([(text_key("y"), np.ones(DIM, dtype=np.float32))])
    vectors.clear()
    assert vectors.get_many([text_key("y")]) == {}


def test_wrong_sized_rows_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "vectors.sqlite3"
    cache = VectorCache(DIM, path)
    cache.put_many([(text_key("ok"), np.ones(DIM, dtype=np.float32))])
    cache.close()
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO vectors VALUES (?, ?)", (text_key("bad"), b"\x00" * 12))
    fresh = VectorCache(DIM, path)
    got = fresh.get_many([text_key("ok"), text_key("bad")])
    assert list(got) == [text_key("ok")]


def test_the_memory_part_is_bounded() -> None:
    cache = VectorCache(DIM, None, max_items=3)
    cache.put_many([(text_key(str(i)), np.zeros(DIM, dtype=np.float32)) for i in range(5)])
    assert len(cache.get_many([text_key(str(i)) for i in range(5)])) == 3


def test_a_rewrite_embeds_its_units_not_its_hard_wrapped_lines(coach) -> None:  # type: ignore[no-untyped-def]
    # Real updates are hard-wrapped Markdown: the injection classifier once embedded each line
    # fragment as well as each unit, as many tokens again. Now its vectors are the units'.
    text = (
        "The booking form went live in four branches this month, and 2,300 residents\n"
        "booked a room without phoning us. Average call waits fell from nine minutes\n"
        "to four after we added two evening shifts at the front desk."
    )
    emb = coach.retriever.embedder
    if emb.vectors is None:
        pytest.skip("COACH_VECTOR_CACHE=off")
    result = coach.rewrite(text)
    units = [u.text for u in result.analysis.units]
    fragments = [line for line in text.split("\n") if line not in units]
    assert len(units) == 2 and len(fragments) == 3  # every line is a fragment of a sentence
    found = emb.vectors.get_many([text_key(t) for t in units + fragments])
    assert all(text_key(u) in found for u in units)
    assert not [f for f in fragments if text_key(f) in found]
