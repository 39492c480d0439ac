"""Every batch format round-trips: same records, same order, other columns kept, rewrites added;
exports are formula-safe; encodings are detected; bad files are one-sentence InputErrors."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from coach import Coach, InputError
from coach.batch import Options, open_format, run_batch
from coach.batch.encoding import safe_cell

UPDATES = [
    "Held 4 standups and a retro. Closed 40 tickets in sprint 14.",
    "Migrated the board from ZenHub to GitHub Projects on 3 March.",
    "The online booking form went live: 1,200 patients booked online.",
]
FAST = Options(engine="offline", metrics=False)


@pytest.fixture
def plain(tmp_path: Path) -> Coach:
    """No corpus indexed: the rewrite pipeline without retrieval, fast enough for many rows."""
    return Coach(home=tmp_path / "home", engine="offline")


def _run(coach: Coach, src: Path, **kw: object) -> tuple[Path, object]:
    out = src.with_name("out" + src.suffix)
    summary = run_batch(coach, src, out, options=FAST, **kw)  # type: ignore[arg-type]
    return out, summary


def test_csv_round_trip_keeps_columns_order_and_escapes(plain: Coach, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    rows = [["id", "owner", "update"]]
    rows += [[str(i), '=HYPERLINK("x")' if i == 1 else f"o{i}", u] for i, u in enumerate(UPDATES)]
    rows.append(["3", "-5", ""])  # an empty update: a failed row, not a failed batch
    with src.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    out, s = _run(plain, src)
    assert (s.ok, s.failed, s.total) == (3, 1, 4)
    got = list(csv.reader(out.open(encoding="utf-8", newline="")))
    assert got[0][:3] == ["id", "owner", "update"] and "coach_rewrite" in got[0]
    assert [r[0] for r in got[1:]] == ["0", "1", "2", "3"]
    assert got[2][1] == '\'=HYPERLINK("x")'  # formula injection escaped
    assert got[4][1] == "-5"  # a plain number is not a formula
    col = got[0].index("coach_rewrite")
    assert all(r[col] for r in got[1:4]) and got[4][col] == ""
    err = got[4][got[0].index("coach_error")]
    assert err.startswith("The update is empty")
    assert b"\r\n" in out.read_bytes()  # RFC 4180 line ends


def test_csv_from_the_other_formats_of_excel(plain: Coach, tmp_path: Path) -> None:
    """UTF-8 with BOM, UTF-16 and Latin-1 are read; a semicolon delimiter is kept."""
    body = "update;note\r\nClosed 40 tickets for the café team.;x\r\n"
    for enc in ("utf-8-sig", "utf-16", "latin-1"):
        src = tmp_path / f"{enc}.csv"
        src.write_bytes(body.encode(enc))
        out, s = _run(plain, src)
        assert s.ok == 1, enc
        text = out.read_bytes().decode("utf-8-sig" if enc != "utf-16" else "utf-16")
        assert text.startswith("update;note;coach_rewrite")
        assert "café" in text


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("bad.csv", b'update\n"Closed 40 tickets\nand more\n', "unmatched quote"),
        ("nul.csv", b"update\nClosed\x00 40\n", "NUL bytes"),
        ("bad.xlsx", b"update\nnot a zip\n", "not a zip"),
        ("bad.docx", b"PK\x05\x06" + bytes(18), "cannot be read"),  # an empty zip
        ("x.pdf", b"%PDF", "use a .csv"),
    ],
)
def test_bad_files_are_one_sentence(tmp_path: Path, name: str, data: bytes, words: str) -> None:
    src = tmp_path / name
    src.write_bytes(data)
    with pytest.raises(InputError) as exc:
        fmt = open_format(src)
        list(fmt.records())
    assert words in str(exc.value) and str(exc.value).count(". ") == 0


def test_jsonl_round_trip(plain: Coach, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": i, "text": u, "team": "a"}) for i, u in enumerate(UPDATES)]
    lines.insert(1, "{not json")
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out, s = _run(plain, src)
    assert (s.ok, s.failed) == (3, 1)
    got = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(got) == 4 and got[1]["coach"]["error"] == "Line 2 is not valid JSON."
    ok = [g for g in got if "id" in g]
    assert [g["id"] for g in ok] == [0, 1, 2] and all(g["team"] == "a" for g in ok)
    assert all(g["coach"]["rewrite"] and g["coach"]["facts_ok"] for g in ok)


def test_markdown_one_update_per_section(plain: Coach, tmp_path: Path) -> None:
    src = tmp_path / "in.md"
    src.write_text(
        "# Weekly report\n\n## Booking\n\n" + UPDATES[0] + "\n\n```\n# not a heading\n```\n\n"
        "## Platform\n\n" + UPDATES[1] + "\n\n### Patients\n\n" + UPDATES[2] + "\n",
        encoding="utf-8",
    )
    out, s = _run(plain, src)
    assert (s.ok, s.skipped) == (3, 1)
    text = out.read_text("utf-8")
    heads = [line for line in text.splitlines() if line.startswith("#")]
    assert heads == ["# Weekly report", "## Booking", "## Platform", "### Patients"]
    assert text.count("<!-- coach: ok") == 3
    again = list(open_format(out).records())
    assert [r.skip for r in again] == [True, False, False, False]


def test_text_blocks_round_trip(plain: Coach, tmp_path: Path) -> None:
    src = tmp_path / "in.txt"
    src.write_text("\n\n".join(UPDATES) + "\n", encoding="utf-8")
    out, s = _run(plain, src)
    assert s.ok == 3
    back = list(open_format(out).records())
    assert len(back) == 3 and "40 tickets" in back[0].text and "1,200" in back[2].text


def test_xlsx_round_trip(plain: Coach, tmp_path: Path) -> None:
    import openpyxl

    src = tmp_path / "in.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Week 14"
    ws.append(["Project", "Budget", "Status update"])
    for i, u in enumerate(UPDATES):
        ws.append([f"@p{i}" if i == 0 else f"p{i}", 1000 * i, u])
    wb.save(src)
    out, s = _run(plain, src, column="Status update")
    assert s.ok == 3
    got = openpyxl.load_workbook(out, read_only=True)
    sheet = got["Week 14"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Project", "Budget", "Status update")
    assert [r[1] for r in rows[1:]] == [0, 1000, 2000]  # numbers stay numbers
    assert rows[1][0] == "'@p0"
    assert all(r[3] for r in rows[1:])


def test_docx_headings_and_order_kept(plain: Coach, tmp_path: Path) -> None:
    import docx

    src = tmp_path / "in.docx"
    d = docx.Document()
    d.add_heading("Week 14", level=0)
    for i, u in enumerate(UPDATES):
        d.add_heading(f"Team {i}", level=1)
        d.add_paragraph(u)
    d.save(str(src))
    out, s = _run(plain, src)
    assert (s.ok, s.skipped) == (3, 1)
    back = docx.Document(str(out))
    heads = [p.text for p in back.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert heads == ["Week 14", "Team 0", "Team 1", "Team 2"]
    assert "40 tickets" in "\n".join(p.text for p in back.paragraphs)


def test_column_must_be_chosen_when_unclear(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="choose one with --column: a, b"):
        open_format(src)


def test_safe_cell() -> None:
    assert [safe_cell(v) for v in ("=1+1", "+cmd", "@x", "\tx", "\rx", "-2", "ok", 5)] == [
        "'=1+1", "'+cmd", "'@x", "'\tx", "'\rx", "-2", "ok", 5
    ]  # fmt: skip


def test_rewrite_many_in_order_with_failures(plain: Coach) -> None:
    out = list(plain.rewrite_many([UPDATES[0], "", UPDATES[1]], options=FAST))
    assert [o["index"] for o in out] == [0, 1, 2]
    assert [o["status"] for o in out] == ["ok", "failed", "ok"]


def test_arewrite_many(plain: Coach) -> None:
    import asyncio

    async def go() -> list[str]:
        return [o["status"] async for o in plain.arewrite_many(UPDATES, options=FAST)]

    assert asyncio.run(go()) == ["ok", "ok", "ok"]


def test_report_with_eval_metrics(coach: Coach, tmp_path: Path) -> None:
    """The indexed corpus and the real eval metrics: per-row scores, summary and chart."""
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps({"text": u}) for u in UPDATES[:2]) + "\n", "utf-8")
    for name in ("r.md", "r.html"):
        s = run_batch(coach, src, tmp_path / "out.jsonl", report_path=tmp_path / name)
        assert s.ok == 2
    md = (tmp_path / "r.md").read_text("utf-8")
    assert "Process talk:" in md and "Facts kept:" in md and "Unmapped work:" in md
    assert (tmp_path / "r.png").read_bytes().startswith(b"\x89PNG")
    assert "data:image/png;base64," in (tmp_path / "r.html").read_text("utf-8")
    row = json.loads((tmp_path / "out.jsonl").read_text("utf-8").splitlines()[0])
    assert 0 < row["coach"]["scores"]["content_preservation"] <= 1
