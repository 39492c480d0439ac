"""Batches that went silently wrong or crashed (issue 18): each case as an attacker made it.

Every test here failed on the code before the fix: a wrong batch with exit 0, or a traceback.
Real files, real CLI subprocesses; disk full is a real file-size limit (RLIMIT_FSIZE), an
unwritable place is /sys (sysfs refuses new files even to root).
"""

from __future__ import annotations

import csv
import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from coach import Coach, InputError
from coach.batch import Options, open_format, run_batch

FAST = Options(engine="offline", metrics=False)
UPDATES = [
    "Held 4 standups; closed 40 tickets in sprint 14; the retro was on Friday.",
    "Migrated the board; 3 teams moved; the old board closes on 3 March.",
    "The online booking form went live: 1,200 patients booked online; 30 called.",
    "Cut the claims backlog from 900 to 350 cases; two staff were trained.",
    "Opened the Leeds clinic on 2 May; 75 patients were seen in week one.",
    "Signed 4 new suppliers; costs fell by 8%; the contract runs to 2027.",
]


@pytest.fixture
def plain(tmp_path: Path) -> Coach:
    return Coach(home=tmp_path / "home", engine="offline")


def _cli(*args: str, home: Path, **kw: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COACH_HOME": str(home)}
    cmd = [sys.executable, "-m", "coach.cli", "batch", *args, "--engine", "offline"]
    cmd += ["--no-metrics", "--quiet"]
    return subprocess.run(
        cmd,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        **kw,  # type: ignore[call-overload]
    )


def _one_sentence(stderr: str) -> None:
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("coach: "), stderr


def _csv(path: Path, rows: list[list[str]], delimiter: str = ",") -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)


# -- delimiters and ragged rows -------------------------------------------------------------
def test_one_column_csv_with_semicolons_is_not_split(plain: Coach, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("update\n" + "\n".join(UPDATES) + "\n", encoding="utf-8")
    recs = list(open_format(src).records())
    assert [r.text for r in recs] == UPDATES
    out = tmp_path / "out.csv"
    s = run_batch(plain, src, out, options=FAST)
    assert s.ok == len(UPDATES)
    got = list(csv.reader(out.open(encoding="utf-8", newline="")))
    assert got[0][0] == "update" and got[0][1] == "coach_rewrite"
    assert [r[0] for r in got[1:]] == UPDATES and all(len(r) == len(got[0]) for r in got)


def test_ambiguous_header_is_refused_in_one_sentence(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("team;owner,notes\nA;b,c\n", encoding="utf-8")
    with pytest.raises(InputError, match="Cannot tell which delimiter") as err:
        open_format(src)
    assert str(err.value).count(". ") == 0


def test_ragged_row_is_refused_and_kept_whole(plain: Coach, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        "id,update,owner\n"
        f'1,"{UPDATES[0]}",ann\n'
        f"2,{UPDATES[1].replace(';', ',')},bob\n"  # unquoted commas: 5 fields, not 3
        f'3,"{UPDATES[2]}",cy\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    s = run_batch(plain, src, out, options=FAST)
    assert (s.ok, s.failed) == (2, 1)
    got = list(csv.reader(out.open(encoding="utf-8", newline="")))
    header = got[0]
    assert all(len(r) == len(header) for r in got)
    bad = got[2]
    assert bad[0] == "2" and bad[header.index("coach_rewrite")] == ""
    assert "has 5 fields but the header has 3" in bad[header.index("coach_error")]
    assert "bob" in bad[2] and "3 teams moved" in bad[1] + bad[2]  # nothing lost
    assert got[3][2] == "cy" and got[3][header.index("coach_status")] == "ok"


# -- pinned input, journal lock, output paths ------------------------------------------------
def test_input_resaved_mid_run_is_refused(plain: Coach, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    _csv(src, [["update"], *[[u] for u in UPDATES]])
    out = tmp_path / "out.csv"

    def resave(done: int, total: int, status: str) -> None:
        if done == 2:  # Excel saving the file again, rows in another order
            _csv(src, [["update"], *[[u] for u in reversed(UPDATES)]])

    with pytest.raises(InputError, match="changed while the batch was running"):
        run_batch(plain, src, out, options=FAST, progress=resave)
    assert not out.exists()


def test_two_runs_on_one_journal(plain: Coach, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    _csv(src, [["update"], *[[u] for u in UPDATES]])
    out = tmp_path / "out.csv"
    second: list[BaseException] = []

    def start_another(done: int, total: int, status: str) -> None:
        if done == 2:
            try:
                run_batch(Coach(home=tmp_path / "h2", engine="offline"), src, out, options=FAST)
            except InputError as exc:
                second.append(exc)

    s = run_batch(plain, src, out, options=FAST, progress=start_another)
    assert second and "Another batch" in str(second[0])
    assert s.ok == len(UPDATES)
    got = list(csv.reader(out.open(encoding="utf-8", newline="")))
    col = got[0].index("coach_rewrite")
    assert all(r[col] for r in got[1:])


@pytest.mark.parametrize("suffix", [".md", ".txt", ".docx", ".csv"])
def test_output_equal_to_input_is_refused(plain: Coach, tmp_path: Path, suffix: str) -> None:
    src = tmp_path / f"in{suffix}"
    if suffix == ".docx":
        import docx

        d = docx.Document()
        d.add_paragraph(UPDATES[0])
        d.save(str(src))
    elif suffix == ".csv":
        _csv(src, [["update"], [UPDATES[0]]])
    else:
        src.write_text(UPDATES[0] + "\n", encoding="utf-8")
    before = src.read_bytes()
    for out in (src, tmp_path / "." / src.name):
        with pytest.raises(InputError, match="is the input file itself"):
            run_batch(plain, src, out, options=FAST)
    assert src.read_bytes() == before


@pytest.mark.parametrize("case", ["dir", "parent-file", "sysfs", "journal-sysfs"])
def test_unusable_output_or_journal_is_one_sentence(tmp_path: Path, case: str) -> None:
    src = tmp_path / "in.txt"
    src.write_text(UPDATES[0] + "\n", encoding="utf-8")
    (tmp_path / "afile").write_text("x")
    out = {
        "dir": tmp_path,
        "parent-file": tmp_path / "afile" / "out.txt",
        "sysfs": Path("/sys/coach-out.txt"),
        "journal-sysfs": tmp_path / "out.txt",
    }[case]
    if "sysfs" in case and not Path("/sys").is_dir():
        pytest.skip("no /sys here")
    extra = ["--journal", "/sys/coach.journal"] if case == "journal-sysfs" else []
    proc = _cli(str(src), "-o", str(out), *extra, home=tmp_path / "home")
    assert proc.returncode == 2
    _one_sentence(proc.stderr)
    assert not (tmp_path / "out.txt").exists()


def test_disk_full_is_one_sentence_and_nothing_half_written(
    tmp_path: Path, models_dir: Path
) -> None:
    """A real limit on file size (EFBIG, what a full disk looks like to a writer)."""
    from tests.test_retrieval import make_home

    src = tmp_path / "in.txt"
    src.write_text("\n\n".join(UPDATES * 40) + "\n", encoding="utf-8")
    home = make_home(tmp_path / "home", models_dir)
    warm = Coach(home=home, engine="offline")  # store and embedding caches exist beforehand
    run_batch(warm, src, tmp_path / "warm.txt", options=FAST)
    warm.store.close()
    out = tmp_path / "out.txt"
    limit = 64 * 1024

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a kill
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = _cli(str(src), "-o", str(out), home=home, preexec_fn=small_disk)
    assert proc.returncode == 2, proc.stderr
    _one_sentence(proc.stderr)
    assert "disk is full" in proc.stderr
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith((".tmp", ".probe"))]


def test_output_on_a_full_filesystem(tmp_path: Path, models_dir: Path) -> None:
    """A real 16 KB tmpfs for the output (the journal elsewhere): ENOSPC mid-write."""
    from tests.test_retrieval import make_home

    small = tmp_path / "small"
    small.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(small)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs CAP_SYS_ADMIN)")
    try:
        src = tmp_path / "in.txt"
        src.write_text("\n\n".join(UPDATES * 60) + "\n", encoding="utf-8")
        home = make_home(tmp_path / "home", models_dir)
        out = small / "out.txt"
        journal = tmp_path / "j.journal"
        proc = _cli(str(src), "-o", str(out), "--journal", str(journal), home=home)
        assert proc.returncode == 2, proc.stderr
        _one_sentence(proc.stderr)
        assert "disk is full" in proc.stderr and "--resume" in proc.stderr
        assert list(small.iterdir()) == []  # no output, no temporary file
    finally:
        subprocess.run(["umount", str(small)], check=False)


# -- encodings and office files -------------------------------------------------------------
def test_windows_1252_csv_keeps_the_euro(plain: Coach, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes("update\nWe saved €5,000 on licences – a “quick win”.\n".encode("cp1252"))
    fmt = open_format(src)
    assert [r.text for r in fmt.records()] == ["We saved €5,000 on licences – a “quick win”."]
    assert any("Windows-1252" in n for n in fmt.notes)
    out = tmp_path / "out.csv"
    s = run_batch(plain, src, out, options=FAST)
    assert any("Windows-1252" in n for n in s.notes)
    assert "€5,000" in out.read_text("utf-8")


def _workbook(path: Path, *, formula: bool = False, merged: bool = False) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    first = wb.active
    first.title = "Updates"
    first.append(["Team", "Update"])
    for i, u in enumerate(UPDATES[:3]):
        first.append([f"T{i}", u])
    if formula:
        first.append(["T9", '=CONCAT("Closed ", "40 tickets")'])
    if merged:
        first["A2"] = "North"
        first.merge_cells("A2:A3")
    other = wb.create_sheet("Notes")
    other.append(["keep me", 42])
    wb.active = 1  # the user last looked at the second sheet
    wb.save(path)


def test_xlsx_first_sheet_other_sheets_kept(plain: Coach, tmp_path: Path) -> None:
    import openpyxl

    src = tmp_path / "in.xlsx"
    _workbook(src)
    out = tmp_path / "out.xlsx"
    s = run_batch(plain, src, out, options=FAST)
    assert s.ok == 3
    got = openpyxl.load_workbook(out, read_only=True)
    assert got.sheetnames == ["Updates", "Notes"]
    assert list(got["Notes"].iter_rows(values_only=True)) == [("keep me", 42)]
    assert any("Notes" in n for n in s.notes)


def test_xlsx_formula_without_saved_value_is_said(plain: Coach, tmp_path: Path) -> None:
    src = tmp_path / "in.xlsx"
    _workbook(src, formula=True)
    out = tmp_path / "out.xlsx"
    s = run_batch(plain, src, out, options=FAST)
    assert (s.ok, s.failed) == (3, 1)
    assert "formula" in s.failures[0][1] and "no saved value" in s.failures[0][1]


def test_xlsx_merged_cells_are_not_dropped(plain: Coach, tmp_path: Path) -> None:
    import openpyxl

    src = tmp_path / "in.xlsx"
    _workbook(src, merged=True)
    out = tmp_path / "out.xlsx"
    s = run_batch(plain, src, out, options=FAST)
    rows = list(openpyxl.load_workbook(out, read_only=True)["Updates"].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:3]] == ["North", "North"]
    assert any("merged" in n for n in s.notes)


def test_docx_tables_and_custom_heading_12(plain: Coach, tmp_path: Path) -> None:
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    src = tmp_path / "in.docx"
    d = docx.Document()
    d.styles.add_style("Heading 12", WD_STYLE_TYPE.PARAGRAPH)
    d.add_paragraph("Deep section", style="Heading 12")
    d.add_paragraph(UPDATES[0])
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Metric", "Value"
    table.cell(1, 0).text, table.cell(1, 1).text = "Wait in weeks", "17"
    d.save(str(src))
    recs = list(open_format(src).records())
    assert "Wait in weeks | 17" in recs[0].text
    out = tmp_path / "out.docx"
    s = run_batch(plain, src, out, options=FAST)
    assert s.ok == 1 and out.exists()
    back = docx.Document(str(out))
    assert back.paragraphs[0].text == "Deep section"


# -- JSONL --------------------------------------------------------------------------------------
def test_jsonl_own_coach_key_and_huge_integer(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"text": UPDATES[0], "coach": "Dana (the user's own field)"}),
        '{"text": "' + UPDATES[1] + '", "n": ' + "9" * 5000 + "}",
        json.dumps({"text": UPDATES[2]}),
    ]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = _cli(str(src), "-o", str(out), home=tmp_path / "home")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    got = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert got[0]["coach"] == "Dana (the user's own field)"
    assert got[0]["coach_result"]["status"] == "ok"
    assert "4,300 digits" in got[1]["coach_result"]["error"]
    assert got[2]["coach_result"]["status"] == "ok"
