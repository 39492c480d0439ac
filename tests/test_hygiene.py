"""Secrets and content hygiene: with a canary API key and canary personal data, real `coach`
processes at DEBUG (rewrite through the fake model, offline rewrite, a batch) never write the key
to stderr, an export or any file under COACH_HOME; at INFO the status text is not logged."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

KEY = "sk-canary-7f3a9b2c4d5e6f708192a3b4"
PERSON = "Zebulon Quartermaine-Okafor"
EMAIL = "zebulon.canary@example.org"
UPDATE = f"{PERSON} ({EMAIL}) held 4 standups and closed 40 tickets for the discharge lounge."


def coach_cli(
    args: list[str], home: Path, fake: Any, level: str
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "COACH_HOME": str(home),
        "OPENAI_BASE_URL": fake.base_url,
        "OPENAI_API_KEY": KEY,
        "COACH_LOG_LEVEL": level,
        "COACH_TIMEOUT": "10",
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [sys.executable, "-m", "coach.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        input=UPDATE,
    )


def files_under(*roots: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for r in roots for p in r.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_no_key_in_logs_exports_or_cache(indexed_home: Path, fake_llm: Any, tmp_path: Path) -> None:
    import shutil

    home = tmp_path / "home"
    shutil.copytree(indexed_home, home)
    batch = tmp_path / "updates.csv"
    batch.write_text(f'update\n"{UPDATE}"\n"Closed 9 tickets."\n', encoding="utf-8")
    runs = [
        coach_cli(["rewrite", "--engine", "llm", UPDATE], home, fake_llm, "DEBUG"),
        coach_cli(["rewrite", "--engine", "offline", UPDATE], home, fake_llm, "DEBUG"),
        coach_cli(
            ["batch", str(batch), "-o", str(tmp_path / "out.csv"), "--engine", "llm"],
            home,
            fake_llm,
            "DEBUG",
        ),
    ]
    for r in runs:
        assert r.returncode == 0, r.stderr[-2000:]
        # coach's own DEBUG lines, not a library's (Chroma is not even imported on a rewrite
        # served from the snapshot): the settings the process runs with, key present but masked
        assert " DEBUG coach: settings " in r.stderr, "DEBUG logging was not on: proves nothing"
        assert "'openai_api_key': '***'" in r.stderr, "the key was not in the logged settings"
        assert KEY not in r.stderr and KEY not in r.stdout
        assert KEY[3:] not in r.stderr  # not even without its sk- prefix
    # the key did reach the fake server (so it was in the process), and nowhere on disk
    assert any(KEY in str(q["headers"]) for q in fake_llm.requests)
    found = [p for p, data in files_under(home, tmp_path).items() if KEY.encode() in data]
    assert found == [], f"the API key was written to {found}"


@pytest.mark.slow
def test_status_text_not_logged_at_info(indexed_home: Path, fake_llm: Any, tmp_path: Path) -> None:
    r = coach_cli(["rewrite", "--engine", "llm", UPDATE], indexed_home, fake_llm, "INFO")
    assert r.returncode == 0, r.stderr[-2000:]
    assert "INFO" in r.stderr, "INFO logging was not on"
    for secret in (PERSON, EMAIL, "discharge lounge", KEY):
        assert secret not in r.stderr, f"{secret!r} logged at INFO"


def test_in_process_debug_logging_masks_the_key(
    coach: Any, fake_llm: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from coach import Coach
    from coach.log import RedactingFilter

    caplog.handler.addFilter(RedactingFilter([KEY]))
    with caplog.at_level(logging.DEBUG):
        c = Coach(
            home=coach.settings.home,
            engine="llm",
            openai_base_url=fake_llm.base_url,
            openai_api_key=KEY,
            cache=False,
            timeout=10,
        )
        c.rewrite(UPDATE)
        logging.getLogger("coach").debug("settings %s key=%s", c.settings, KEY)
    assert caplog.records, "nothing was logged at DEBUG"
    assert KEY not in caplog.text
