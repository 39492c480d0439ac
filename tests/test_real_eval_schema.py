"""`coach eval real --data DIR` on directories that differ from ours the ways a hidden set may:
one or two organisations, no strategy, strategy as .docx/.html/.pdf/.txt, unicode organisation
names, ids unlike ours, CRLF and a BOM, missing optional fields, orphan units, an ITEMS item whose
heading is absent. Every run is the real code path (real Chroma, real MiniLM, real ingest).

The loader tests write tiny sets of their own; the run tests cut small variants out of the real
dataset at test time (its texts are never copied into the repo) and are skipped without it."""

from __future__ import annotations

import json
import shutil
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from coach.errors import InputError
from coach.evals.real import (
    assign_folds,
    collection_name,
    index_strategy,
    load_real,
    resolve_path,
    strategy_files,
)
from coach.evals.real_gold import gold_rows

sys.path.insert(0, str(Path(__file__).resolve().parent / "data"))
from make_fixtures import pdf

from tests.conftest import EvalReal

REAL = resolve_path()
needs_real = pytest.mark.skipif(
    not (REAL / "updates.jsonl").is_file(), reason=f"no real-updates dataset at {REAL}"
)


def _dump(path: Path, rows: list[dict[str, Any]], *, crlf: bool = False, bom: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nl = "\r\n" if crlf else "\n"
    text = nl.join(json.dumps(r, ensure_ascii=False) for r in rows) + nl
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))


def _tiny(folder: Path, **kw: Any) -> Path:
    ups = [
        {
            "id": 17,
            "org": "Ärzte ohne Grenzen",
            "text": "Closed 12 tickets.",
            "label": "Process-heavy",
        },
        {
            "id": "UPD/2024 #2",
            "org": "Ärzte ohne Grenzen",
            "text": "Clinic waits fell from 9 days to 2.",
            "outcome": "Waits fell to 2 days.",
            "facts": ["9 days"],
            "whatever": {"nested": [1]},
        },
        {"id": "x3", "org": None, "text": "Held the steering call.", "outcome": None, "facts": []},
    ]
    units = [
        {"update_id": 17, "unit": "Closed 12 tickets.", "label": "PROCESS"},
        {
            "update_id": "UPD/2024 #2",
            "unit": "Clinic waits fell from 9 days to 2.",
            "label": "outcome",
        },
        {"update_id": "gone", "unit": "A unit of an update cut from this copy.", "label": "other"},
    ]
    _dump(folder / "updates.jsonl", ups, **kw)
    _dump(folder / "units.jsonl", units, **kw)
    return folder


# ---------------------------------------------------------------- the loader, on tiny sets


@pytest.mark.parametrize("kw", [{}, {"crlf": True}, {"bom": True}, {"crlf": True, "bom": True}])
def test_loader_reads_crlf_bom_int_ids_unicode_orgs_and_missing_optional_fields(
    tmp_path: Path, kw: dict[str, bool]
) -> None:
    ds = load_real(_tiny(tmp_path / "s", **kw), fixes=None)
    assert [u.id for u in ds.updates] == ["17", "UPD/2024 #2", "x3"]
    assert ds.updates[0].label == "process-heavy" and ds.updates[0].facts == ()
    assert ds.updates[1].outcome == "Waits fell to 2 days." and ds.updates[2].outcome is None
    assert [u.label for u in ds.units] == ["process", "outcome"]
    assert ds.units_orphaned == 1 and ds.strategy_dir is None and ds.grounding == ()
    assert ds.orgs["Ärzte ohne Grenzen"] == 2


@pytest.mark.parametrize(
    ("row", "says"),
    [
        ({"id": "a", "text": "x"}, "used twice"),
        ({"id": "b", "text": "x", "label": "great"}, "unknown label"),
        ({"id": "c", "text": "x", "outcome": ["a list"]}, "'outcome' must be a string"),
        ({"id": "d", "text": "x", "facts": "9 days"}, "'facts' must be a list"),
        ({"id": True, "text": "x"}, "'id' must be"),
        ({"id": "e", "text": ""}, "'text' must be"),
    ],
)
def test_invalid_updates_are_one_sentence(tmp_path: Path, row: dict[str, Any], says: str) -> None:
    _dump(tmp_path / "updates.jsonl", [{"id": "a", "text": "first"}, row])
    with pytest.raises(InputError, match=says) as err:
        load_real(tmp_path, fixes=None)
    assert "\n" not in str(err.value)


def test_unreadable_files_are_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "updates.jsonl").write_bytes(b'{"id": "a", "text": "caf\xe9"}\n')
    with pytest.raises(InputError, match="not UTF-8"):
        load_real(tmp_path, fixes=None)
    (tmp_path / "updates.jsonl").write_text("")
    with pytest.raises(InputError, match="holds no updates"):
        load_real(tmp_path, fixes=None)
    with pytest.raises(InputError, match="no such directory"):
        load_real(tmp_path / "absent", fixes=None)
    _dump(tmp_path / "updates.jsonl", [{"id": "a", "text": "x"}])
    _dump(tmp_path / "units.jsonl", [{"update_id": "a", "unit": "x", "label": "progress"}])
    with pytest.raises(InputError, match=r"units\.jsonl line 1"):
        load_real(tmp_path, fixes=None)


def test_strategy_in_every_ingest_format_under_a_unicode_nfd_folder(tmp_path: Path) -> None:
    org = "Ärzte ohne Grenzen"
    ds_dir = _tiny(tmp_path / "s")
    folder = ds_dir / "strategy" / unicodedata.normalize("NFD", org)  # as macOS writes it
    (folder / "sub").mkdir(parents=True)
    for name in (
        "a.md",
        "b.txt",
        "c.html",
        "d.PDF",
        "e.docx",
        "sub/f.md",
        "SOURCES.md",
        "README.md",
    ):
        (folder / name).write_text("x")
    (folder / "notes.csv").write_text("x")
    ds = load_real(ds_dir, fixes=None)
    got = [p.relative_to(folder).as_posix() for p in strategy_files(ds, org)]
    assert got == ["a.md", "b.txt", "c.html", "d.PDF", "e.docx", "sub/f.md"]
    assert strategy_files(ds, "someone else") == [] and strategy_files(ds, None) == []


def test_collection_names_are_safe_and_distinct_for_any_org_name() -> None:
    names = ["Проект Rust", "Проект Go", "x", "a" * 300, "Natural Resources Wales / Cyfoeth"]
    got = [collection_name(n) for n in names]
    assert len(set(got)) == len(got)
    assert all(3 <= len(c) <= 63 and c.replace("-", "").isalnum() and c.isascii() for c in got)


def test_one_organisation_is_one_fold() -> None:
    from coach.evals.real import RealUpdate

    ups = tuple(RealUpdate(f"u{i}", "solo", "t", "mixed") for i in range(5))
    assert set(assign_folds(ups).values()) == {"solo"}


def test_a_strategy_document_that_fails_to_ingest_is_skipped_and_named(tmp_path: Path) -> None:
    """A corrupt PDF and an empty .docx (one in a sub-folder) beside a good document: each is
    one sentence naming the file, and the good document is still indexed."""
    from coach import Coach

    folder = tmp_path / "strategy" / "Acme"
    (folder / "sub").mkdir(parents=True)
    (folder / "plan.md").write_text("# Goals\n\nCut clinic waiting times to two days by 2027.\n")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 this is not a PDF")
    (folder / "sub" / "empty.docx").write_bytes(b"")
    coach = Coach(home=tmp_path / "home", engine="offline")
    said = index_strategy(coach, folder, "real-acme")
    assert coach.store.count("real-acme") >= 1
    assert [x.split(" skipped")[0] for x in said] == [
        "strategy/Acme/broken.pdf",
        "strategy/Acme/sub/empty.docx",
    ]
    assert all("\n" not in x and x.endswith("Acme is scored on its other documents") for x in said)
    (folder / "plan.md").unlink()  # nothing readable left, in a new collection
    said = index_strategy(coach, folder, "real-acme-2")
    assert coach.store.count("real-acme-2") == 0 and len(said) == 2
    assert all(x.endswith("no update is scored against it") for x in said)


def test_gold_rows_read_what_a_hidden_set_may_hold_and_say_what_they_set_aside(
    tmp_path: Path,
) -> None:
    items = tmp_path / "ITEMS.jsonl"
    items.write_text(
        '{"org": 7, "item_id": "plan.md#goals", "summary": "x"}\n'
        "not json\n"
        '{"org": "acme", "file": "plan.md", "summary": "no id"}\n'
        '{"org": true, "item_id": 12, "file": "plan.md"}\n',
        "utf-8",
    )
    notes: list[str] = []
    got = gold_rows(items, notes)
    assert [(r["org"], r["item_id"], r["file"]) for r in got] == [
        ("7", "plan.md#goals", "plan.md"),
        (None, "12", "plan.md"),
    ]
    assert notes == [
        "ITEMS.jsonl: 2 row(s) set aside (first: line 2 is not valid JSON (Expecting value))"
    ]
    gu = tmp_path / "grounding_updates.jsonl"
    gu.write_text(
        '{"update_id": 5, "gold_items": null}\n{"update_id": "b", "gold_items": "plan.md#goals"}\n'
        '{"gold_items": []}\n',
        "utf-8",
    )
    notes = []
    assert [(r["update_id"], r["gold_items"]) for r in gold_rows(gu, notes)] == [
        ("5", []),
        ("b", ["plan.md#goals"]),
    ]
    assert notes == [
        "grounding_updates.jsonl: 1 row(s) set aside (first: line 3 has no 'update_id')"
    ]
    assert gold_rows(tmp_path / "absent.jsonl", notes) == [] and len(notes) == 1
    # a unit row without its id is named by the id, not by the text it does have
    units = tmp_path / "grounding.jsonl"
    units.write_text('{"unit": "Shipped it", "gold": null}\n', "utf-8")
    notes = []
    assert gold_rows(units, notes) == []
    assert notes == ["grounding.jsonl: 1 row(s) set aside (first: line 1 has no 'update_id')"]


# ---------------------------------------------------------------- runs on real-data variants


def _rows(name: str) -> list[dict[str, Any]]:
    return [json.loads(x) for x in (REAL / name).read_text("utf-8").splitlines() if x.strip()]


def _variant(
    dest: Path,
    per_org: dict[str, int],
    *,
    rename: dict[str, str] | None = None,
    strategy: bool = True,
    grounding: bool = True,
    **kw: Any,
) -> Path:
    """The first n updates of each named org (their units, strategy and gold), orgs renamed."""
    rename = rename or {}
    seen: dict[str, int] = {}
    ups = []
    for u in _rows("updates.jsonl"):
        if u["org"] in per_org and seen.get(u["org"], 0) < per_org[u["org"]]:
            seen[u["org"]] = seen.get(u["org"], 0) + 1
            ups.append(u)
    ids = {u["id"] for u in ups}

    def moved(rows: list[dict[str, Any]], key: str = "update_id") -> list[dict[str, Any]]:
        out = [r for r in rows if key not in r or r[key] in ids]
        return [dict(r, org=rename.get(r["org"], r["org"])) if "org" in r else r for r in out]

    _dump(dest / "updates.jsonl", moved(ups, "id"), **kw)
    _dump(dest / "units.jsonl", moved(_rows("units.jsonl")), **kw)
    if strategy:
        for org in per_org:
            if (REAL / "strategy" / org).is_dir():
                shutil.copytree(REAL / "strategy" / org, dest / "strategy" / rename.get(org, org))
        items = [i for i in _rows("strategy/ITEMS.jsonl") if i["org"] in per_org]
        _dump(dest / "strategy" / "ITEMS.jsonl", moved(items), **kw)
    if grounding:
        _dump(dest / "grounding.jsonl", moved(_rows("grounding.jsonl")), **kw)
        _dump(dest / "grounding_updates.jsonl", moved(_rows("grounding_updates.jsonl")), **kw)
    return dest


def _as_pdf_docx_html(folder: Path, first: int = 0) -> None:
    """Convert each markdown strategy file in turn to PDF, .docx and .html (from `first`)."""
    import docx
    from markdown_it import MarkdownIt

    files = [p for p in sorted(folder.glob("*.md")) if p.name != "SOURCES.md"]
    for n, md in enumerate(files, first):
        text = md.read_text("utf-8")
        md.unlink()
        if n % 3 == 0:
            plain = text.translate(str.maketrans("“”‘’–—", "\"\"''--"))
            plain = plain.encode("latin-1", "replace").decode("latin-1")
            lines = [w for para in plain.splitlines() for w in _wrap(para)]
            pages = [lines[i : i + 45] for i in range(0, len(lines), 45)]
            md.with_suffix(".pdf").write_bytes(pdf(pages, md.stem))
        elif n % 3 == 1:
            doc = docx.Document()
            for block in text.split("\n\n"):
                block = block.strip()
                if block.startswith("#"):
                    level = len(block) - len(block.lstrip("#"))
                    doc.add_heading(block.lstrip("#").strip(), level=min(level, 9))
                elif block:
                    doc.add_paragraph(block)
            doc.save(md.with_suffix(".docx"))
        else:
            html = MarkdownIt().render(text)
            md.with_suffix(".html").write_text(f"<html><body>{html}</body></html>", "utf-8")


def _wrap(para: str) -> list[str]:
    import textwrap

    return textwrap.wrap(para, 90) or [""]


def _run(data: Path, out: Path, *sections: str) -> dict[str, Any]:
    from coach.evals.realrun import run_real

    return run_real(str(data), out=out, sections=sections or ("eye", "rewrites", "grounding"))


@needs_real
@pytest.mark.slow
def test_one_unicode_org_with_pdf_docx_html_strategy_crlf_and_bom(tmp_path: Path) -> None:
    """One organisation (renamed to unicode with spaces), its strategy converted out of
    markdown, every file CRLF with a BOM: every section runs, and what one organisation cannot
    give (leave-one-out) is said, not scored as if it had been."""
    org = "Cyfoeth Naturiol Cymru – NRW"
    data = _variant(tmp_path / "set", {"nrw": 4}, rename={"nrw": org}, crlf=True, bom=True)
    _as_pdf_docx_html(data / "strategy" / org)
    assert sorted(p.suffix for p in (data / "strategy" / org).iterdir()) == [".md", ".pdf"]
    report = _run(data, tmp_path / "out")
    assert report["failed_sections"] == [] and report["orgs_with_strategy"] == [org]
    assert report["updates"] == 4 and report["units"] > 20
    s = report["rewrites"]["summary"]
    assert s["errors"] == 0 and s["updates"] == 4 and s["facts_total"] > 0
    rows = report["_rows"]
    assert any(r["citations"] for r in rows), "the PDF strategy was not used by any rewrite"
    g = report["grounding"]
    assert g["chunks"][org] > 0 and g["summary"]["updates_with_gold"] >= 3
    assert g["summary"]["hit@3"] > 0  # ITEMS lists the .md; the .pdf holds its items
    assert g["items without a document"] == []
    assert g["logo"][0]["threshold"] is None
    said = " ".join(report["not_computed"])
    assert "eye leave-one-organisation-out" in said and f"grounding leave-one-out, {org}" in said
    from coach.evals.realrun import summary_text

    text = summary_text(report)
    assert "leave-one-org-out" in text and "n/a" in text
    assert (tmp_path / "out" / "real.md").read_text("utf-8").count("Not computed") == 1


@needs_real
@pytest.mark.slow
def test_no_strategy_items_heading_absent_and_an_update_over_the_limit(tmp_path: Path) -> None:
    """Gold files but no strategy folder: the grounding section says why it skipped. An ITEMS
    item whose heading no passage has is never held; one naming a missing file is listed. An
    update coach refuses (over the input limit) is a named rewrite error and is left out of
    grounding, said; every other figure stands."""
    data = _variant(tmp_path / "nostrat", {"nrw": 2, "mixxx": 2}, strategy=False)
    report = _run(data, tmp_path / "o1", "grounding")
    assert report["grounding"]["skipped"].startswith("no strategy/ folder")
    (data / "strategy" / "mixxx").mkdir(parents=True)  # a folder of nothing coach reads
    (data / "strategy" / "mixxx" / "plan.odt").write_bytes(b"PK")
    report = _run(data, tmp_path / "o1", "grounding")
    assert report["strategy_folders_unread"] == ["mixxx"]
    assert report["grounding"]["skipped"].startswith("no strategy/ITEMS.jsonl")
    assert report["failed_sections"] == []

    data = _variant(tmp_path / "items", {"openssf": 3})
    items = _rows("strategy/ITEMS.jsonl")
    extra = [
        {"org": "openssf", "file": "technical-vision.md", "item_id": "technical-vision.md#gone/x"},
        {"org": "openssf", "file": "absent.md", "item_id": "absent.md#y", "summary": "y"},
    ]
    _dump(data / "strategy" / "ITEMS.jsonl", [i for i in items if i["org"] == "openssf"] + extra)
    gold = _rows("grounding_updates.jsonl")
    gold = [dict(g, gold_items=[*g["gold_items"], "absent.md#y"]) for g in gold]
    _dump(data / "grounding_updates.jsonl", gold)
    ups = _rows("updates.jsonl")
    huge = {"id": "huge", "org": "openssf", "text": "\n\n".join(u["text"] for u in ups)}
    _dump(data / "updates.jsonl", [*_rows_of(data / "updates.jsonl"), huge])
    report = _run(data, tmp_path / "o2", "rewrites", "grounding")
    assert report["failed_sections"] == [] and report["grounding"]["summary"]["hit@3"] > 0
    assert report["grounding"]["items without a document"] == ["absent.md#y"]
    assert [e["id"] for e in report["rewrites"]["errors"]] == ["huge"]
    assert "limit" in report["rewrites"]["errors"][0]["error"]
    said = " ".join(report["not_computed"])
    assert "update not scored, huge" in said and "absent.md#y" in said


def _rows_of(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text("utf-8-sig").splitlines() if x.strip()]


@needs_real
@pytest.mark.slow
def test_a_subset_scores_its_updates_exactly_as_the_larger_set_does(tmp_path: Path) -> None:
    """Honest numbers: the rewrite rows of one organisation's updates are the same whether that
    organisation is alone in the set or beside another one (nothing leaks across updates)."""
    both = _variant(tmp_path / "both", {"nrw": 3, "rust-lang": 3}, grounding=False)
    alone = _variant(tmp_path / "alone", {"rust-lang": 3}, grounding=False)
    for data in (both, alone):  # the strategies as .html and .docx this time
        _as_pdf_docx_html(data / "strategy" / "rust-lang", first=1)
    _as_pdf_docx_html(both / "strategy" / "nrw", first=2)
    assert {p.suffix for p in strategy_files(load_real(both), "rust-lang")} == {".docx"}
    assert {p.suffix for p in strategy_files(load_real(both), "nrw")} == {".html"}
    big = {r["id"]: r for r in _run(both, tmp_path / "o1", "rewrites")["_rows"]}
    small = _run(alone, tmp_path / "o2", "rewrites")["_rows"]
    assert len(small) == 3
    for r in small:
        assert r == big[r["id"]]


@needs_real
@pytest.mark.slow
def test_cli_two_orgs_holds_one_out_and_exits_0(tmp_path: Path, eval_real: EvalReal) -> None:
    data = _variant(tmp_path / "set", {"nrw": 3, "openssf": 3}, grounding=False)
    out = tmp_path / "out"
    proc = eval_real(data, "--only", "eye", out=out)
    assert proc.returncode == 0, proc.stderr
    assert "rules + learned layer, leave-one-org-out" in proc.stdout
    report = json.loads((out / "real.json").read_text("utf-8"))
    assert set(report["eye"]["folds"]) == {"nrw", "openssf"}
    assert not any("leave-one-organisation-out" in x for x in report["not_computed"])


@needs_real
@pytest.mark.slow
def test_org_spelt_differently_from_its_folder_is_scored_as_its_own(tmp_path: Path) -> None:
    """Updates say "NRW", the folder and the gold say "nrw": rewrites and grounding both find
    the strategy (names match case-folded and NFC), so the figures are those of "nrw"."""
    same = _variant(tmp_path / "same", {"nrw": 2})
    data = _variant(tmp_path / "set", {"nrw": 2})
    _dump(data / "updates.jsonl", [dict(u, org="NRW") for u in _rows_of(data / "updates.jsonl")])
    _dump(
        data / "grounding.jsonl", [dict(g, org="Nrw") for g in _rows_of(data / "grounding.jsonl")]
    )
    want = _run(same, tmp_path / "o1", "grounding")["grounding"]["summary"]
    report = _run(data, tmp_path / "out", "grounding")
    assert report["orgs_with_strategy"] == ["NRW"] and report["strategy_folders_unread"] == []
    g = report["grounding"]["summary"]
    assert not any("spelt the same" in x for x in report["not_computed"])
    assert isinstance(g["hit@1"], float) and g["updates_with_gold"] == want["updates_with_gold"] > 0
    for key in ("hit@1", "hit@3", "own cites gold", "unit accuracy (none a class)"):
        assert g[key] == want[key], key


@needs_real
@pytest.mark.slow
def test_strategy_documents_that_fail_to_ingest_cost_only_themselves(tmp_path: Path) -> None:
    """A corrupt PDF and an empty .docx beside an organisation's good documents: the grounding
    section still runs, names each skipped file in one sentence, and every figure is the one the
    clean set gives. When an organisation's only document is corrupt, the other organisation's
    own figures stand and the rewrites still run."""
    clean = _variant(tmp_path / "clean", {"nrw": 3, "openssf": 3})
    want = _run(clean, tmp_path / "o0", "grounding")["grounding"]
    data = _variant(tmp_path / "set", {"nrw": 3, "openssf": 3})
    (data / "strategy" / "openssf" / "broken.pdf").write_bytes(b"%PDF-1.4 this is not a PDF")
    (data / "strategy" / "openssf" / "empty.docx").write_bytes(b"")
    report = _run(data, tmp_path / "o1", "grounding")
    assert report["failed_sections"] == []
    g = report["grounding"]
    assert [x.split(" skipped")[0] for x in g["documents skipped"]] == [
        "strategy/openssf/broken.pdf",
        "strategy/openssf/empty.docx",
    ]
    assert g["summary"] == want["summary"] and g["chunks"] == want["chunks"]
    said = report["not_computed"]
    assert sum("broken.pdf skipped" in x or "empty.docx skipped" in x for x in said) == 2
    from coach.evals.realrun import summary_text

    assert "strategy/openssf/empty.docx skipped" in summary_text(report)

    md = data / "strategy" / "nrw" / "corporate-plan-2030-announcement.md"
    md.unlink()
    md.with_suffix(".pdf").write_bytes(b"%PDF-1.4\n\x00\x01 truncated")
    report = _run(data, tmp_path / "o2", "grounding", "rewrites")
    assert report["failed_sections"] == [] and report["rewrites"]["errors"] == []
    g = report["grounding"]
    assert "nrw" not in g["chunks"] and g["chunks"]["openssf"] == want["chunks"]["openssf"]
    key = "openssf: hit@1 / hit@3 / cites gold (n)"
    assert g["summary"][key] == want["summary"][key]
    assert any(x.startswith("grounding: strategy/nrw/corporate") for x in report["not_computed"])


@needs_real
@pytest.mark.slow
def test_odd_gold_rows_cost_only_themselves(tmp_path: Path) -> None:
    """A line that is not JSON and an item without an id in ITEMS.jsonl, null gold lists and an
    organisation written as a number in the gold files: the grounding section runs (before, each
    was 'FAILED (KeyError ...)'), says what it set aside, and scores what it could read."""
    data = _variant(tmp_path / "set", {"nrw": 2, "openssf": 3})
    items = data / "strategy" / "ITEMS.jsonl"
    items.write_text(items.read_text("utf-8") + 'not json\n{"org": "nrw", "file": "x.md"}\n')
    gold = _rows_of(data / "grounding_updates.jsonl")
    gold[0] = dict(gold[0], gold_items=None)
    _dump(data / "grounding_updates.jsonl", gold)
    units = _rows_of(data / "grounding.jsonl")
    units[0] = dict(units[0], gold=None, org=7)
    _dump(data / "grounding.jsonl", units)
    report = _run(data, tmp_path / "out", "grounding")
    assert report["failed_sections"] == []
    assert report["grounding"]["summary"]["updates_with_gold"] > 0
    said = [x for x in report["not_computed"] if "set aside" in x]
    assert len(said) == 1 and said[0].startswith("grounding: ITEMS.jsonl: 2 row(s) set aside")
