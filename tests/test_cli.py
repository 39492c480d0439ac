"""The `coach` command: real subprocesses, exit codes, stdin, JSON, one-sentence errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

UPDATE = "Held 4 standups and a retro. Closed 40 tickets in sprint 14."


def run(
    args: list[str], home: Path, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "COACH_HOME": str(home), "COACH_ENGINE": "offline"}
    return subprocess.run(
        [sys.executable, "-m", "coach.cli", *args],
        input=stdin,
        capture_output=True,
        env=env,
        timeout=120,
    )


def test_help_lists_commands(tmp_path: Path) -> None:
    p = run(["--help"], tmp_path)
    assert p.returncode == 0
    for cmd in ("rewrite", "analyze", "ingest", "serve", "retrieve"):
        assert cmd.encode() in p.stdout


def test_rewrite_json_from_stdin(indexed_home: Path) -> None:
    p = run(["rewrite", "-", "--json"], indexed_home, stdin=UPDATE.encode())
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["engine"] == "offline" and d["facts"]["ok"]
    # stand-ups and tickets serve no strategy passage clearly: a suggestion, no citation
    assert "40" in d["text"] and d["citations"] == [] and d["suggestion"]["text"]


def test_analyze_text(indexed_home: Path) -> None:
    p = run(["analyze", UPDATE], indexed_home)
    assert p.returncode == 0, p.stderr
    assert b"process" in p.stdout and b"standups" in p.stdout


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (["rewrite", ""], None),
        (["rewrite", "-"], b"   \n"),
        (["rewrite", "-"], b"\x00\x01\x02\xff"),
        (["rewrite", "-"], b"a" * 5_000_000),
        (["rewrite", "--engine", "nope", "x"], None),
        (["ingest", "/no/such/path"], None),
    ],
    ids=["empty", "whitespace", "binary", "5MB", "bad-engine", "missing-path"],
)
def test_bad_input_exit_2_one_sentence(
    tmp_path: Path, args: list[str], stdin: bytes | None
) -> None:
    p = run(args, tmp_path, stdin)
    assert p.returncode == 2, (p.stdout, p.stderr)
    err = p.stderr.decode().strip()
    assert err.startswith("coach: ") and "Traceback" not in err and len(err.splitlines()) == 1


def test_llm_engine_without_server_is_a_config_error(tmp_path: Path) -> None:
    p = run(["rewrite", "--engine", "llm", UPDATE], tmp_path)
    assert p.returncode == 2
    assert b"OPENAI_API_KEY or OPENAI_BASE_URL" in p.stderr
