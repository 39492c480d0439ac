"""The README shows the real `coach --help` and starts with the two commands."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT


def test_readme_starts_with_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text()
    block = text.split("```", 2)[1]
    lines = [ln.split("#")[0].strip() for ln in block.strip().splitlines()]
    assert lines[:2] == ["make run", "make test"]


def test_readme_help_matches_the_cli() -> None:
    text = (ROOT / "README.md").read_text()
    shown = text.split("$ coach --help\n", 1)[1].split("```", 1)[0]
    env = {**os.environ, "COLUMNS": "100"}
    real = subprocess.run(
        [sys.executable, "-m", "coach.cli", "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    ).stdout
    assert shown == real, "README's `coach --help` is stale: paste the current output"


def test_readme_python_example_runs_from_any_directory(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The Python example worked only from the repo root (it named corpus/ relatively)."""
    text = (ROOT / "README.md").read_text()
    code = text.split("## Python", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    env = {**os.environ, "COACH_HOME": str(tmp_path / "home"), "COACH_ENGINE": "offline"}
    env.pop("PYTHONPATH", None)
    p = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert p.returncode == 0, p.stderr[-2000:]
    assert "18%" in p.stdout and "Questions for you" not in p.stdout


def test_readme_eval_scripts_say_one_sentence_without_a_dataset(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A fresh clone has no dataset beside it: the `python -m eval.X` commands the README and
    docs/quality.md (the eval's own page) show name what is missing in one sentence (exit 2),
    never a traceback."""
    import re

    text = (ROOT / "README.md").read_text() + (ROOT / "docs" / "quality.md").read_text()
    modules = sorted(set(re.findall(r"python -m (eval\.[\w.]+)", text)))
    assert modules, "the README shows no eval script: drop this test"
    for module in modules:
        p = subprocess.run(
            [sys.executable, "-m", module, "--data", str(tmp_path / "none")],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
        assert p.returncode == 2 and "Traceback" not in p.stderr, (module, p.stderr[-1500:])
        assert len(p.stderr.strip().splitlines()) == 1, (module, p.stderr)
