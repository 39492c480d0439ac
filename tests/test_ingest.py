"""Ingest for real: every format, broken files, idempotent re-ingest, changes, prune, lock, rebuild."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from coach import Coach
from coach.cli import main
from coach.errors import IngestError, StoreLockedError
from coach.ingest import iter_files, load_file
from tests.test_retrieval import make_home

DATA = Path(__file__).parent / "data"
FORMATS = DATA / "formats"


@pytest.fixture
def home(tmp_path: Path, models_dir: Path) -> Path:
    return make_home(tmp_path / "home", models_dir)


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """A folder with one document per format plus a broken PDF and DOCX, in a subfolder too."""
    root = tmp_path / "docs"
    shutil.copytree(FORMATS, root)
    (root / "sub").mkdir()
    shutil.copy(DATA / "broken" / "truncated.pdf", root / "sub" / "truncated.pdf")
    shutil.copy(DATA / "broken" / "not-a-zip.docx", root / "not-a-zip.docx")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "secret.md").write_text("# not indexed\n\nhidden text\n")
    (root / "image.png").write_bytes(b"\x89PNG")
    return root


@pytest.mark.parametrize(
    ("name", "title", "section", "pillar", "page", "phrase"),
    [
        ("okrs.md", "Team OKRs", "Objective one", "community", None, "5,000 residents"),
        ("notes.txt", "Notes", "Notes", "", None, "vacancy rate below 6%"),
        ("digital.html", "Digital Plan", "Online booking", "digital", None, "60% of bookings"),
        ("estates.docx", "Estates Board Paper", "Net zero buildings", "estate", None, "heat pumps"),
        (
            "board-paper.pdf",
            "Board Paper on Finance",
            "Board Paper on Finance",
            "",
            2,
            "link workers",
        ),
    ],
)
def test_every_format_gives_chunks_with_metadata(
    name: str, title: str, section: str, pillar: str, page: int | None, phrase: str
) -> None:
    chunks = load_file(FORMATS / name, FORMATS)
    hit = next(c for c in chunks if phrase in c.text)
    m = hit.metadata
    assert (m["source"], m["title"], m["section"], m["pillar"]) == (name, title, section, pillar)
    assert m.get("page") == page


def test_html_skips_scripts_and_plain_anchor_ids() -> None:
    chunks = load_file(FORMATS / "digital.html", FORMATS)
    text = " ".join(c.text for c in chunks)
    assert "secret" not in text and "color" not in text and "&amp;" not in text
    why = next(c for c in chunks if c.metadata["section"] == "Why now")
    assert why.metadata["pillar"] == ""  # an id that is not a listed pillar is just an anchor
    assert any(c.metadata["pillar"] == "access" for c in chunks)  # data-pillar


def test_docx_tables_and_pandoc_ids() -> None:
    chunks = load_file(FORMATS / "estates.docx", FORMATS)
    assert any("Vacancy rate below 6% | March 2029" in c.text for c in chunks)
    assert all("{#" not in c.metadata["section"] for c in chunks)


@pytest.mark.parametrize("name", ["truncated.pdf", "not-a-zip.docx"])
def test_malformed_files_raise_one_clear_error(name: str) -> None:
    with pytest.raises(IngestError) as err:
        load_file(DATA / "broken" / name, DATA / "broken")
    assert name in str(err.value) and "\n" not in str(err.value)


def test_folder_with_broken_files_indexes_the_rest(home: Path, docs: Path) -> None:
    files = [p.name for p, _ in iter_files([docs])]
    assert "secret.md" not in files and "image.png" not in files and len(files) == 7
    c = Coach(home=home, engine="offline")
    stats = c.ingest([docs])
    assert stats["errors"] == 2 and stats["files"] == 7
    joined = " ".join(stats["messages"])
    assert "truncated.pdf" in joined and "not-a-zip.docx" in joined
    sources = {e.source for e in c.corpus()["strategy"]}
    assert sources == {"okrs.md", "notes.txt", "digital.html", "estates.docx", "board-paper.pdf"}
    assert c.store.count("strategy") == sum(len(e.chunk_ids) for e in c.corpus()["strategy"])
    hit = c.retrieve("social prescribing link workers", k=1)[0]
    assert hit.source == "board-paper.pdf" and hit.page == 2


def test_reingest_unchanged_changed_and_prune(home: Path, docs: Path) -> None:
    c = Coach(home=home, engine="offline")
    first = c.ingest([docs])
    count = c.store.count("strategy")
    again = c.ingest([docs])
    assert again["added"] == 0 and again["removed"] == 0
    assert again["skipped_files"] == 5 and again["unchanged"] == first["added"]
    assert c.store.count("strategy") == count

    okrs = docs / "okrs.md"
    okrs.write_text(okrs.read_text().replace("5,000 residents", "7,500 residents"))
    changed = c.ingest([docs])
    assert changed["added"] == 1 and changed["removed"] == 1
    assert c.store.count("strategy") == count
    texts = " ".join(h.text for h in c.retrieve("Team OKRs objective one residents", k=3))
    assert "7,500 residents" in texts and "Reach 5,000" not in texts

    (docs / "notes.txt").unlink()
    kept = c.ingest([docs])
    assert kept["pruned_files"] == 0 and c.store.count("strategy") == count  # no --prune
    pruned = c.ingest([docs], prune=True)
    assert pruned["pruned_files"] == 1 and pruned["removed"] >= 1
    assert c.store.count("strategy") == count - pruned["removed"]
    assert "notes.txt" not in {e.source for e in c.corpus()["strategy"]}


def test_two_collections_are_separate(home: Path, docs: Path) -> None:
    c = Coach(home=home, engine="offline")
    c.ingest([docs / "okrs.md"], collection="team-a")
    c.ingest([docs / "estates.docx"], collection="team-b")
    assert c.retrieve("heat pumps", k=5, collection="team-a")[0].source == "okrs.md"
    assert {h.source for h in c.retrieve("heat pumps", k=5, collection="team-b")} == {
        "estates.docx"
    }
    b = Coach(home=home, engine="offline", collection="team-b")
    assert b.retrieve("residents", k=1)[0].source == "estates.docx"
    assert set(c.corpus()) == {"team-a", "team-b"}


def test_cli_ingest_and_corpus_list(
    home: Path, docs: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COACH_HOME", str(home))
    assert main(["ingest", str(docs), "--collection", "board-docs"]) == 0
    out, err = capsys.readouterr()
    assert "into 'board-docs'" in out and "2 error(s)" in out and "truncated.pdf" in err
    assert main(["corpus", "list"]) == 0
    out = capsys.readouterr().out
    assert "board-docs: 5 document(s)" in out and "estates.docx" in out
    assert main(["retrieve", "heat pumps", "--collection", "board-docs", "--k", "1"]) == 0
    assert "estates.docx" in capsys.readouterr().out
    assert main(["ingest", str(docs), "--collection", "ab"]) == 2
    assert "3 to 512" in capsys.readouterr().err


_HOLD = """
import sys, time
from pathlib import Path
from coach.lock import WriteLock
with WriteLock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(30)
"""


def _held_here(store_dir: Path) -> bool:
    """Whether this process still holds (or waits on) the store's write lock."""
    from coach import lock

    return str(store_dir / lock.LOCK_NAME) in lock._held


def test_second_writer_gets_store_locked_error(home: Path, docs: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(home / "chroma")], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        c = Coach(home=home, engine="offline")
        with pytest.raises(StoreLockedError, match="COACH_CHROMA_URL") as err:
            c.ingest([docs / "okrs.md"])
        # the writer gave up while the holder still held the lock (it holds it for 30 s): it
        # failed fast instead of waiting its turn, and left no lock of its own behind
        assert holder.poll() is None
        assert f"pid {holder.pid}" in str(err.value)
        assert not _held_here(home / "chroma")
        assert c.retrieve("anything") == []  # reading is not blocked
    finally:
        holder.kill()
        holder.wait()
    assert Coach(home=home, engine="offline").ingest([docs / "okrs.md"])["added"] == 1


@pytest.mark.parametrize("damage", ["corrupt-sqlite", "deleted-sqlite", "deleted-segments"])
def test_broken_store_is_rebuilt_from_manifest(
    home: Path, docs: Path, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    c = Coach(home=home, engine="offline")
    c.ingest([docs])
    count = c.store.count("strategy")
    c.store.close()
    store = home / "chroma"
    db = store / "chroma.sqlite3"
    if damage == "corrupt-sqlite":
        db.write_bytes(b"this is not a database" + db.read_bytes()[100:4000])
    elif damage == "deleted-sqlite":
        db.unlink()
    else:  # Chroma rebuilds its vector segments from the log by itself: nothing to do
        segments = [p for p in store.iterdir() if p.is_dir()]
        assert segments
        for seg in segments:
            shutil.rmtree(seg)
    with caplog.at_level("WARNING", logger="coach"):
        fresh = Coach(home=home, engine="offline")
        hits = fresh.retrieve("heat pumps", k=1)
    if damage == "corrupt-sqlite":
        assert "failed its health check" in caplog.text and list(home.glob("chroma.broken-*"))
    if damage != "deleted-segments":
        assert "rebuilt collection 'strategy'" in caplog.text
    assert hits and hits[0].source == "estates.docx"
    assert fresh.store.count("strategy") == count


def test_a_document_past_the_text_limit_is_one_sentence() -> None:
    from coach.ingest import load_bytes
    from coach.ingest.formats import MAX_DOCUMENT_CHARS

    words = "We will plant trees along every river. "
    body = words * (MAX_DOCUMENT_CHARS // len(words) + 10)
    with pytest.raises(IngestError, match=r"huge\.md holds [\d,]+ characters of text") as err:
        load_bytes(f"# Huge\n\n{body}".encode(), "huge.md")
    assert "\n" not in str(err.value) and "split it" in str(err.value)
    assert load_bytes(f"# Fine\n\n{words}".encode(), "fine.md")
