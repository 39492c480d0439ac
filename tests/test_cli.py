"""The `coach` command: real subprocesses, exit codes, stdin, JSON, one-sentence errors."""

from __future__ import annotations

import itertools
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


def test_every_option_has_help_text() -> None:
    """Problem 3: --audience and --length had no help text."""
    import argparse

    from coach.cli import build_parser

    def walk(parser: argparse.ArgumentParser, path: str) -> list[str]:
        missing = []
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    missing += walk(sub, f"{path} {name}")
            elif action.option_strings and not action.help:
                missing.append(f"{path} {action.option_strings[-1]}")
        return missing

    assert walk(build_parser(), "coach") == []


def test_serve_on_a_busy_port_is_one_sentence_with_the_next_free_port(tmp_path: Path) -> None:
    """Problem 8: 'serving on ...' and then an 18-line traceback."""
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        p = run(["serve", "--port", str(port), "--no-warmup"], tmp_path)
    err = p.stderr.decode().strip()
    assert p.returncode == 2, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert f"Port {port} on 127.0.0.1 is already in use: try `coach serve --port " in err
    assert b"serving on" not in p.stdout
    suggested = int(err.rsplit("--port ", 1)[1].split("`")[0])
    with socket.socket() as s:
        s.bind(("127.0.0.1", suggested))  # the port it suggests is free


def test_rewrite_with_an_unknown_collection_exits_2(indexed_home: Path) -> None:
    """Problem 8: `rewrite --collection nope` exited 0 with only a note."""
    p = run(["rewrite", "--collection", "nope", UPDATE], indexed_home)
    err = p.stderr.decode().strip()
    assert p.returncode == 2 and len(err.splitlines()) == 1, err
    assert "no strategy collection 'nope'" in err and "'strategy'" in err


def test_batch_error_comes_alone_without_a_progress_bar(tmp_path: Path) -> None:
    """Problem 8: "0row [00:00, ?row/s]" before the error, and a capital mid-sentence."""
    src = tmp_path / "week.csv"
    src.write_text("a,b\n1,2\n")
    p = run(["batch", str(src), "-o", str(tmp_path / "out.csv")], tmp_path)
    err = p.stderr.decode().strip()
    assert p.returncode == 2 and len(err.splitlines()) == 1, err
    assert "row/s" not in err and "--column" in err
    sentence = err.removeprefix("coach: ")
    words = sentence.split()
    after_first = [w for prev, w in itertools.pairwise(words) if not prev.endswith(".")]
    assert "The" not in after_first, sentence


def test_rewrite_says_when_the_engine_ignores_audience_and_length(indexed_home: Path) -> None:
    """Problem 3: six audience/length combinations gave one offline text, and nothing said so.
    An engine that claims a choice changes the text for some value of it; one that does not
    gets a "needs a model" note for each; never both, never neither."""
    choices = [("executive", "standard"), ("team", "standard"), ("client", "standard")]
    choices += [("executive", "brief")]
    out: dict[tuple[str, str], tuple[bytes, str]] = {}
    for audience, length in choices:
        p = run(["rewrite", "--audience", audience, "--length", length, UPDATE], indexed_home)
        assert p.returncode == 0, p.stderr
        out[audience, length] = (p.stdout.split(b"\n\n[engine")[0], p.stderr.decode())
    base = out["executive", "standard"][0]
    for word, keys in (("audience", choices[1:3]), ("length", choices[3:])):
        changed = any(out[k][0] != base for k in keys)
        noted = [f"every {word}" in out[k][1] and "needs a model" in out[k][1] for k in keys]
        assert noted == [not changed] * len(keys), (word, changed, [out[k][1] for k in keys])
