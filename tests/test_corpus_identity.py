"""A corpus that stays true: a revised document replaces its old version (by name within a
collection, or by a declared doc_id), and documents can be removed from the API and the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach import Coach
from coach.cli import main
from coach.errors import InputError
from tests.test_retrieval import make_home


@pytest.fixture
def home(tmp_path: Path, models_dir: Path) -> Path:
    return make_home(tmp_path / "home", models_dir)


def _plan(folder: Path, name: str, target: str, doc_id: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    front = f"---\ndoc_id: {doc_id}\n---\n" if doc_id else ""
    path = folder / name
    path.write_text(
        f"{front}# North plan\n\n## Faster care\n\nTreat {target} of patients in 18 weeks.\n"
    )
    return path


def _texts(c: Coach, collection: str = "strategy") -> list[str]:
    return [h.text for h in c.store.all(collection)]


def test_same_name_from_another_folder_replaces_the_old_version(home: Path, tmp_path: Path) -> None:
    c = Coach(home=home, engine="offline")
    c.ingest([_plan(tmp_path / "v1", "plan.md", "60%")])
    stats = c.ingest([_plan(tmp_path / "v2", "plan.md", "75%")])
    assert stats["replaced"] == 1
    entries = c.corpus()["strategy"]
    assert [e.source for e in entries] == ["plan.md"]
    assert entries[0].path.endswith("v2/plan.md")
    texts = " ".join(_texts(c))
    assert "75%" in texts and "60%" not in texts


def test_declared_doc_id_replaces_across_names(home: Path, tmp_path: Path) -> None:
    c = Coach(home=home, engine="offline")
    c.ingest([_plan(tmp_path, "plan-2025.md", "60%", doc_id="north-plan")])
    c.ingest([_plan(tmp_path, "plan-2026.md", "75%", doc_id="north-plan")])
    assert [e.source for e in c.corpus()["strategy"]] == ["plan-2026.md"]
    assert "60%" not in " ".join(_texts(c))


def test_other_collections_and_names_are_left_alone(home: Path, tmp_path: Path) -> None:
    c = Coach(home=home, engine="offline")
    c.ingest([_plan(tmp_path / "a", "plan.md", "60%")], collection="north")
    c.ingest([_plan(tmp_path / "b", "plan.md", "75%")], collection="south")
    c.ingest([_plan(tmp_path / "b", "other.md", "80%")], collection="south")
    assert "60%" in " ".join(_texts(c, "north"))
    assert sorted(e.source for e in c.corpus("south")["south"]) == ["other.md", "plan.md"]


def test_remove_by_name_and_unknown_name(home: Path, tmp_path: Path) -> None:
    c = Coach(home=home, engine="offline")
    c.ingest([_plan(tmp_path, "plan.md", "60%"), _plan(tmp_path, "keep.md", "90%")])
    assert c.remove(["plan.md"]) == ["plan.md"]
    assert [e.source for e in c.corpus()["strategy"]] == ["keep.md"]
    assert "60%" not in " ".join(_texts(c)) and "90%" in " ".join(_texts(c))
    with pytest.raises(InputError, match=r"No document .gone\.md.*keep\.md"):
        c.remove(["gone.md"])


def test_cli_corpus_remove(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COACH_HOME", str(home))
    _plan(tmp_path / "docs", "plan.md", "60%")
    assert main(["ingest", str(tmp_path / "docs"), "--collection", "board"]) == 0
    assert main(["corpus", "remove", "plan.md", "--collection", "board"]) == 0
    assert "Removed 1 document(s) from 'board': plan.md." in capsys.readouterr().out
    assert main(["corpus", "remove", "plan.md", "--collection", "board"]) == 2
    assert "No document 'plan.md'" in capsys.readouterr().err
