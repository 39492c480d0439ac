"""Every bad input in tests/bad_inputs (manifest.json + the large ones built at test time) through
the API, the CLI, batch and the page handler: a typed CoachError with one sentence (or the safe
result the manifest names), for bounded work and memory, never a traceback, other work still done.

"Fast" is counted, not timed (speed is measured in `make bench`): a refusal makes at most
REFUSAL_STEPS Python lines and calls and never enters the embedder, the store, the analysis or an engine
(tests/work_budget.py). A hang still ends at pytest-timeout; seconds are recorded, not asserted.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import tracemalloc
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import pytest

import coach.errors as errors
from coach.errors import CoachError
from tests.bad_inputs.make_corpus import make_large
from tests.work_budget import STAGES, Work, counted

HERE = Path(__file__).resolve().parent / "bad_inputs"
MANIFEST: list[dict[str, Any]] = json.loads((HERE / "manifest.json").read_text())
FIGURES: dict[str, dict[str, float]] = {}
# Python lines + calls to turn a bad input away, wherever it comes in: the CLI builds its parser first (~45,000)
REFUSAL_STEPS = 100_000
# batch builds its engine (template digests for the cache key) before it reads the file
BATCH_STAGES = tuple(s for s in STAGES if not s.startswith("coach.engines"))
INVISIBLE = [chr(c) for c in (0x200B, 0x200C, 0x200D, 0x202E, 0x2066, 0xFEFF)] + [
    chr(0xE0000 + i) for i in range(0x20, 0x7F)
]


def by_channel(channel: str) -> list[dict[str, Any]]:
    return [e for e in MANIFEST if e["channel"] == channel]


# The CLI and the page add only the presentation of errors: every refused or doubtful input goes
# through them, and a sample of the accepted ones (the API test covers all of those).
SAMPLE_OK = {"utf16-le-bom", "tag-smuggling", "html-script", "trojan-source"}
PRESENTED = [e for e in by_channel("text") if e["expect"] != "ok" or e["id"] in SAMPLE_OK]


def ids(entries: list[dict[str, Any]]) -> list[str]:
    return [e["id"] for e in entries]


def data_of(entry: dict[str, Any]) -> bytes:
    return (HERE / "files" / entry["file"]).read_bytes()


def last_line(err: str) -> str:
    """The error sentence: the last line on stderr (a progress bar may come before it)."""
    lines = [x for x in err.replace("\r", "\n").splitlines() if x.strip()]
    assert sum(x.startswith("coach: ") for x in lines) <= 1, err
    return lines[-1] if lines else ""


def one_sentence(message: str) -> None:
    assert message.strip(), "empty error message"
    assert "\n" not in message.strip(), f"more than one line: {message!r}"
    assert "Traceback" not in message
    assert len(message) < 400, f"not one sentence: {message!r}"


def check_error(exc: BaseException, entry: dict[str, Any]) -> None:
    assert isinstance(exc, getattr(errors, entry.get("error", "CoachError"))), repr(exc)
    assert entry.get("fragment", "").lower() in str(exc).lower(), str(exc)
    one_sentence(str(exc))


def refused(
    work: Work, entry: dict[str, Any], channel: str, stages: tuple[str, ...] = STAGES
) -> None:
    """The refusal was cheap: turned away at the gate, in a bounded number of Python steps."""
    FIGURES.setdefault(entry["id"], {})[f"{channel}_steps"] = work.steps
    assert not work.stages(stages), f"{entry['id']}: refused only after {work.stages(stages)}"
    assert work.steps < REFUSAL_STEPS, f"{entry['id']}: {work.steps} Python steps to refuse"


def record(entry: dict[str, Any], channel: str, seconds: float | None, peak: float = 0.0) -> None:
    """Figures for docs/reference.md; seconds are informative only (never asserted)."""
    row = FIGURES.setdefault(entry["id"], {})
    if seconds is not None:
        row[f"{channel}_s"] = round(seconds, 3)
    if peak:
        row[f"{channel}_peak_mb"] = round(peak / 1e6, 2)


@pytest.fixture(scope="session")
def large(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[dict[str, Any], Path]]:
    return {e["id"]: (e, p) for e, p in make_large(tmp_path_factory.mktemp("large-bad"))}


def test_corpus_is_big_enough() -> None:
    assert len(MANIFEST) >= 60
    assert len({e["id"] for e in MANIFEST}) == len(MANIFEST)
    for e in MANIFEST:
        assert (HERE / "files" / e["file"]).exists(), e["file"]
        assert e["expect"] in ("error", "ok", "either")


# -- status text: API --------------------------------------------------------------------------
def _rewrite(coach: Any, value: object, entry: dict[str, Any]) -> None:
    if entry["expect"] == "either":
        # counted work bounds refusals only, and tracing a rewrite that goes through costs
        # minutes (4,000 bullets under settrace): see first whether it is refused, and count
        # the work of that refusal by running it again, traced
        try:
            result = coach.rewrite(value)
        except CoachError:
            pass
        else:
            _accepted(result, entry)
            return
    started = time.perf_counter()
    traced = entry["expect"] != "ok"  # tracemalloc slows a full rewrite several times over
    if traced:
        tracemalloc.start()
    try:
        with counted() if traced else nullcontext(Work()) as work:
            result = coach.rewrite(value)
    except CoachError as exc:
        assert entry["expect"] in ("error", "either"), f"{entry['id']}: unexpected {exc!r}"
        if entry["expect"] == "error":
            check_error(exc, entry)
        else:
            one_sentence(str(exc))
        refused(work, entry, "api")
        return
    finally:
        peak = tracemalloc.get_traced_memory()[1] if traced else 0
        tracemalloc.stop()
        record(entry, "api", time.perf_counter() - started, peak)
    _accepted(result, entry)


def _accepted(result: Any, entry: dict[str, Any]) -> None:
    """What an accepted input must give: a rewrite, nothing hidden kept, the named finding."""
    assert entry["expect"] in ("ok", "either"), f"{entry['id']}: accepted, expected an error"
    assert result.text.strip()
    for ch in INVISIBLE:  # nothing hidden survives into what a model or a reader gets
        assert ch not in result.source and ch not in result.text, f"{entry['id']}: {ch!r}"
    if entry.get("finding"):
        assert any(entry["finding"] in f for f in result.findings), result.findings
    if entry.get("canary"):
        assert entry["canary"] not in result.text


@pytest.mark.parametrize("entry", by_channel("text"), ids=ids(by_channel("text")))
def test_api(coach: Any, entry: dict[str, Any]) -> None:
    _rewrite(coach, data_of(entry), entry)


def test_api_10mb_paste(coach: Any, large: dict[str, Any]) -> None:
    """Refused for the work of a paste just over the limit: the cost does not grow with it."""
    entry, path = large["paste-10mb"]
    data = path.read_bytes()
    text = data.decode()  # the same paste as text, as the page sends it
    for paste, just_over in ((data, data[:100_000]), (text, text[:25_000])):
        _rewrite(coach, paste, entry)
        with pytest.raises(CoachError), counted() as at_limit:
            coach.rewrite(just_over)
        assert FIGURES[entry["id"]]["api_steps"] <= at_limit.steps, at_limit.steps


# -- status text: CLI (in-process main for all, a real process for a sample) --------------------
class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)

    def isatty(self) -> bool:
        return False

    def read(self, *a: Any) -> str:
        return self.buffer.read(*a).decode("utf-8", "replace")


def _cli(
    argv: list[str],
    data: bytes,
    monkeypatch: pytest.MonkeyPatch,
    capsys: Any,
    traced: bool = True,
) -> tuple[int, str, str, Work]:
    from coach.cli import main

    monkeypatch.setattr(sys, "stdin", _Stdin(data))
    with counted() if traced else nullcontext(Work()) as work:
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse
            code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err, work


@pytest.fixture
def cli_env(indexed_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_HOME", str(indexed_home))
    monkeypatch.setenv("COACH_ENGINE", "offline")
    monkeypatch.delenv("COACH_DEBUG", raising=False)


@pytest.mark.parametrize("entry", PRESENTED, ids=ids(PRESENTED))
def test_cli(
    entry: dict[str, Any], cli_env: None, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    argv, data = ["rewrite", "-"], data_of(entry)
    # only a refusal's work is bounded: an accepted input is not traced (a traced rewrite of
    # 4,000 bullets costs minutes); a refused one is run again, traced, to count its work
    code, out, err, work = _cli(argv, data, monkeypatch, capsys, traced=entry["expect"] == "error")
    if code != 0 and entry["expect"] != "error":
        code, out, err, work = _cli(argv, data, monkeypatch, capsys)
    assert "Traceback" not in err + out
    if code == 0:
        assert entry["expect"] in ("ok", "either"), f"{entry['id']}: exit 0, expected an error"
        assert out.strip()
        return
    assert entry["expect"] in ("error", "either"), f"{entry['id']}: exit {code}: {err}"
    assert code == 2, err
    assert err.startswith("coach: ")
    one_sentence(err)
    assert entry.get("fragment", "").lower() in err.lower()
    refused(work, entry, "cli")


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["invalid-utf8", "nul-bytes", "over-limit", "empty", "utf16-le-bom"]
)
def test_cli_real_process(name: str, indexed_home: Path) -> None:
    entry = next(e for e in MANIFEST if e["id"] == name)
    env = {**os.environ, "COACH_HOME": str(indexed_home), "COACH_ENGINE": "offline"}
    proc = subprocess.run(
        [sys.executable, "-m", "coach.cli", "rewrite", "-"],
        input=data_of(entry),
        capture_output=True,
        env=env,
        timeout=120,
    )
    err = proc.stderr.decode()
    assert "Traceback" not in err
    if entry["expect"] == "ok":
        assert proc.returncode == 0, err
    else:
        assert proc.returncode == 2, err
        one_sentence(err)


@pytest.mark.slow
def test_cli_10mb_paste_bounded(large: dict[str, Any], indexed_home: Path) -> None:
    """A real process: the 10 MB paste is refused at the gate, and peak RSS stays near an idle
    run's."""
    entry, path = large["paste-10mb"]
    env = {**os.environ, "COACH_HOME": str(indexed_home), "COACH_ENGINE": "offline"}
    probe = (
        "import resource, sys\n"
        "from coach.cli import main\n"
        "from tests.work_budget import counted\n"
        "with counted() as work:\n"
        "    code = main(['rewrite', '-'])\n"
        "sys.stderr.write(f'@@ {code} {work.steps} '\n"
        "                 f'{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss} '\n"
        '                 f\'{",".join(work.stages()) or "-"}\\n\')\n'
    )
    root = Path(__file__).resolve().parent.parent

    def run(stdin: Any) -> tuple[int, Work, int, str]:
        proc = subprocess.run(
            [sys.executable, "-c", probe],
            stdin=stdin,
            capture_output=True,
            env=env,
            timeout=120,
            cwd=root,
        )
        err = proc.stderr.decode()
        assert "Traceback" not in err
        line = [x for x in err.splitlines() if x.startswith("@@")][-1].split()
        work = Work(int(line[2]), 0, set(line[4].split(",")) - {"-"})
        return int(line[1]), work, int(line[3]), err

    with path.open("rb") as f:
        code, work, rss_kb, err = run(f)
    base = run(subprocess.DEVNULL)[2]  # the same process refusing an empty paste
    assert code == 2 and "limit" in err
    record(entry, "cli", None, (rss_kb - base) * 1000)
    refused(work, entry, "cli")
    assert rss_kb - base < 100_000, f"{(rss_kb - base) / 1000:.0f} MB above an empty paste"


# -- status text: the page handler ---------------------------------------------------------------
PAGE_GAPS: dict[str, str] = {}  # none left: facts._names is linear since the fix


@pytest.mark.parametrize(
    "entry",
    [
        pytest.param(e, marks=pytest.mark.xfail(run=False, reason=PAGE_GAPS[e["id"]]))
        if e["id"] in PAGE_GAPS
        else e
        for e in PRESENTED
    ],
    ids=ids(PRESENTED),
)
def test_page_handler(coach: Any, entry: dict[str, Any]) -> None:
    """The page gets text from a textbox: bytes that are not UTF-8 arrive as Latin-1 text."""
    app = pytest.importorskip("coach.app")
    import gradio as gr

    from coach.text import decode_bytes

    data = data_of(entry)
    try:
        text = decode_bytes(data)
    except CoachError:
        text = data.decode("latin-1")
    import html
    import re

    from coach.app.handlers import PANELS

    started = time.perf_counter()

    def shown_by_page(traced: bool) -> tuple[dict[str, Any], Work]:
        try:
            with counted() if traced else nullcontext(Work()) as work:
                return dict(zip(PANELS, app.handle_rewrite(coach, text), strict=True)), work
        except gr.Error as exc:  # the page shows bad input as a status sentence, not an error
            pytest.fail(f"{entry['id']}: the page raised instead of saying: {exc}")

    # as in test_cli: only a refusal is traced (run again, traced, when it was not expected)
    shown, work = shown_by_page(traced=entry["expect"] == "error")
    if shown["status"] and entry["expect"] != "error":
        shown, work = shown_by_page(traced=True)
    if shown["status"]:
        message = html.unescape(re.sub(r"<[^>]+>", "", shown["status"]))
        one_sentence(message)
        refused(work, entry, "page")
        if entry["expect"] == "ok":
            pytest.fail(f"{entry['id']}: the page refused a valid input: {message}")
    record(entry, "page", time.perf_counter() - started)


# -- batch files ---------------------------------------------------------------------------------
def _batch_command() -> bool:
    from coach.cli import build_parser

    sub = next(a for a in build_parser()._actions if a.dest == "command")
    return "batch" in getattr(sub, "choices", {})


def _run_batch(
    path: Path, out: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> tuple[int, str, str, Work]:
    if not _batch_command():
        pytest.xfail("`coach batch` is not registered yet (issue 6)")
    return _cli(
        ["batch", str(path), "-o", str(out), "--engine", "offline"], b"", monkeypatch, capsys
    )


BATCH_GAPS: dict[str, str] = {}  # none left: deep JSONL nesting is a failed row now


@pytest.mark.parametrize(
    "entry",
    [
        pytest.param(e, marks=pytest.mark.xfail(strict=True, reason=BATCH_GAPS[e["id"]]))
        if e["id"] in BATCH_GAPS
        else e
        for e in by_channel("batch")
    ],
    ids=ids(by_channel("batch")),
)
def test_batch(
    entry: dict[str, Any],
    tmp_path: Path,
    cli_env: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: Any,
) -> None:
    path = tmp_path / entry["file"]
    path.write_bytes(data_of(entry))
    out = tmp_path / ("out" + path.suffix)
    code, stdout, err, work = _run_batch(path, out, monkeypatch, capsys)
    assert "Traceback" not in err + stdout
    if entry.get("no_leak"):
        blob = err + stdout + (out.read_text("utf-8", "replace") if out.exists() else "")
        assert entry["no_leak"] not in blob, "an external entity was resolved"
    if code != 0:
        assert entry["expect"] in ("error", "either"), f"{entry['id']}: exit {code}: {err}"
        assert code == 2, err
        one_sentence(last_line(err))
        assert entry.get("fragment", "").lower() in err.lower()
        refused(work, entry, "batch", BATCH_STAGES)
        return
    assert entry["expect"] in ("ok", "either"), f"{entry['id']}: exit 0, expected an error"
    assert out.exists()
    body = out.read_text("utf-8", "replace")
    if entry.get("rows_ok"):
        assert body.count("1,200") >= 1 and "9 tickets" in body, "a good row was not done"
    if entry.get("formulas"):
        for cell in ("=HYPERLINK", "+cmd", "@SUM"):
            assert f",{cell}" not in body and f"\n{cell}" not in body, f"unescaped {cell}"


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    [
        "csv-100k-no-column",
        "xlsx-zip-bomb",  # refused from the zip directory before anything is inflated
    ],
)
def test_batch_large(
    name: str,
    large: dict[str, Any],
    tmp_path: Path,
    cli_env: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: Any,
) -> None:
    entry, path = large[name]
    tracemalloc.start()
    try:
        code, _, err, work = _run_batch(path, tmp_path / ("out" + path.suffix), monkeypatch, capsys)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    record(entry, "batch", None, peak)
    assert code == 2 and "Traceback" not in err, err
    one_sentence(last_line(err))
    # the encoding check reads each 1 MiB chunk (bounded by MAX_FILE_BYTES) and scans the first
    # 4 KiB of each in Python (a call and a line a byte): that much more, and no more
    from coach.untrusted import CHUNK

    chunks = -(-path.stat().st_size // CHUNK)
    work.lines -= 8_200 * chunks
    refused(work, entry, "batch", BATCH_STAGES)
    assert peak < 100e6, f"{peak / 1e6:.0f} MB for a file that is refused"


# -- strategy documents -------------------------------------------------------------------------
def _ingest(home: Path, bad: Path) -> tuple[dict[str, Any], float, float]:
    from coach import Coach

    good = bad.parent / "good-strategy.md"
    good.write_text("# Strategy\n\n## Care without waiting\n\nCut waiting times for patients.\n")
    c = Coach(home=home, engine="offline")
    tracemalloc.start()
    started = time.perf_counter()
    try:
        stats = c.ingest([good, bad])
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert c.store.count(c.settings.collection) >= 1, "the good document was lost"
    return stats, seconds, peak


def _check_ingest(entry: dict[str, Any], stats: dict[str, Any], seconds: float) -> None:
    text = " ".join(stats["messages"])
    if entry.get("no_leak"):
        assert entry["no_leak"] not in text
    if entry["expect"] == "either" and stats["errors"] == 0:
        return  # read safely (an entity left unexpanded); the leak check above is the point
    assert stats["errors"] == 1, f"{entry['id']}: {stats}"
    assert len(stats["messages"]) == 1
    one_sentence(stats["messages"][0])
    assert entry["fragment"].lower() in text.lower()
    assert entry["file"].split(".")[0] in text or entry["file"] in text, "the file is not named"


@pytest.mark.parametrize("entry", by_channel("ingest"), ids=ids(by_channel("ingest")))
def test_ingest(entry: dict[str, Any], tmp_path: Path) -> None:
    bad = tmp_path / "docs" / entry["file"]
    bad.parent.mkdir()
    bad.write_bytes(data_of(entry))
    stats, seconds, peak = _ingest(tmp_path / "home", bad)
    record(entry, "ingest", seconds, peak)
    _check_ingest(entry, stats, seconds)


@pytest.mark.slow
def test_ingest_docx_zip_bomb(large: dict[str, Any], tmp_path: Path) -> None:
    entry, path = large["docx-zip-bomb"]
    bad = tmp_path / "docs" / entry["file"]
    bad.parent.mkdir()
    bad.write_bytes(path.read_bytes())
    stats, _, _ = _ingest(tmp_path / "home", bad)
    _check_ingest(entry, stats, 0.0)
    from coach.ingest import load_bytes

    data = bad.read_bytes()
    tracemalloc.start()
    try:  # the bounds are on refusing the bomb, not on the model load
        with pytest.raises(errors.IngestError), counted() as work:
            load_bytes(data, bad.name)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    record(entry, "ingest", None, peak)
    refused(work, entry, "ingest")
    assert peak < 100e6, f"{peak / 1e6:.0f} MB for a refused document"


def test_zz_figures(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Not a check: writes the measured times and peaks for the README."""
    out = tmp_path_factory.getbasetemp() / "bad_inputs_figures.json"
    out.write_text(json.dumps(FIGURES, indent=1))
    worst = {
        k: max((v for row in FIGURES.values() for kk, v in row.items() if kk == k), default=0)
        for k in sorted({kk for row in FIGURES.values() for kk in row})
    }
    print(f"\nbad inputs: {len(MANIFEST)} committed + 4 large; worst: {worst}; detail: {out}")
