"""The numpy snapshot of a collection: the same passages and citations as Chroma, invalidated
by any coach write to the store, rebuilt when damaged, and it keeps Chroma (and Gradio,
LangChain) out of a `coach rewrite` process. Speed is measured by `make bench`, not here."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

from coach import Coach
from coach.snapshot import SnapshotStore, top_k

UPDATE = (
    "- Held 4 standups and migrated the booking board to GitHub Projects.\n"
    "- The new online booking form went live on 3 March: 1,200 patients booked online.\n"
    "- Ran two recruitment days; 9 nurses accepted offers."
)


def _home(indexed_home: Path, tmp_path: Path) -> Path:
    home = tmp_path / "home"
    shutil.copytree(indexed_home, home, ignore=shutil.ignore_patterns("snapshots"))
    return home


def test_snapshot_answers_as_chroma_does(indexed_home: Path, tmp_path: Path) -> None:
    home = _home(indexed_home, tmp_path)
    coach = Coach(home=home, engine="offline")
    snap = SnapshotStore(coach.settings, lambda: coach.store)
    real = coach.store
    name = coach.settings.collection
    assert snap.count(name) == real.count(name) > 0
    assert sorted(snap.ids(name)) == sorted(real.ids(name))
    vectors = coach.retriever.embedder.embed(UPDATE.splitlines())
    mine = snap.query_many(name, vectors, 5)
    theirs = real.query_many(name, vectors.tolist(), 5)
    for a, b in zip(mine, theirs, strict=True):
        assert [h.id for h in a][:3] == [h.id for h in b][:3]
        np.testing.assert_allclose([h.distance for h in a], [h.distance for h in b], atol=1e-5)


def test_a_write_invalidates_the_snapshot(indexed_home: Path, tmp_path: Path) -> None:
    home = _home(indexed_home, tmp_path)
    coach = Coach(home=home, engine="offline")
    name = coach.settings.collection
    before = coach.retriever.store.count(name)
    doc = tmp_path / "docs" / "heron-plan.md"
    doc.parent.mkdir()
    doc.write_text("# Heron plan\n\n## Wetlands\n\nRestore the heron wetlands by 2030.\n")
    other = Coach(home=home, engine="offline")
    other.ingest([doc.parent])
    assert coach.retriever.store.count(name) > before
    found = coach.retrieve("heron wetlands restoration", k=1)
    assert "heron" in found[0].text.lower()


def test_a_damaged_snapshot_is_rebuilt(indexed_home: Path, tmp_path: Path) -> None:
    home = _home(indexed_home, tmp_path)
    first = Coach(home=home, engine="offline").rewrite(UPDATE)
    for f in (home / "snapshots").glob("*.npz"):
        f.write_bytes(b"not a zip file")
    again = Coach(home=home, engine="offline").rewrite(UPDATE)
    assert [c.id for c in again.citations] == [c.id for c in first.citations]
    assert again.text == first.text


def test_top_k_is_exact_and_stable() -> None:
    m = np.eye(4, dtype=np.float32)
    q = np.asarray([[0.0, 1.0, 1.0, 0.0]], dtype=np.float32)
    sims, idx = top_k(q, m, 3)
    assert idx.tolist() == [[1, 2, 0]]  # ties keep the lower index first
    assert sims.shape == (1, 4)


def test_coach_rewrite_imports_no_chroma_gradio_or_langchain(
    indexed_home: Path, tmp_path: Path
) -> None:
    home = _home(indexed_home, tmp_path)
    Coach(home=home, engine="offline").rewrite(UPDATE)  # builds the snapshot
    code = (
        "import sys\n"
        "from coach.cli import main\n"
        f"main(['rewrite', {UPDATE!r}])\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & "
        "{'chromadb', 'gradio', 'langchain', 'langchain_core', 'openai', 'pandas', "
        "'openpyxl', 'matplotlib', 'docx', 'pypdf'})\n"
        "heavy += sorted({'coach.batch.runner', 'coach.ingest.formats'} & set(sys.modules))\n"
        "print('HEAVY', heavy)\n"
    )
    env = {"COACH_HOME": str(home), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert "HEAVY []" in out.stdout, out.stdout
