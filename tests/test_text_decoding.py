"""One decoding policy for every way bytes come in: pasted text, stdin and batch files alike.

Before, `coach.text.decode_bytes` (paste, stdin) refused 8-bit text while batch files were read
as Windows-1252: the same Excel export worked as a batch and failed when piped in.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from coach.errors import InputError
from coach.text import clean_input, decode_bytes
from coach.untrusted import decode

SAMPLES = [
    "Budget €5,000 agreed; “quotes” kept.".encode("cp1252"),  # Excel's default
    "Café opened in Zürich.".encode(),
    "Café opened in Zürich.".encode("utf-8-sig"),
    "Plan for 2027".encode("utf-16-le"),  # no BOM: the NUL pattern of ASCII text
    "Caf\u00e9 \u00a7 4".encode("latin-1") + b"\x81",  # a byte Windows-1252 leaves undefined
]


@pytest.mark.parametrize("data", SAMPLES)
def test_paste_and_stdin_decode_as_batch_files_do(data: bytes) -> None:
    assert decode_bytes(data) == decode(data)[0]


def test_windows_1252_paste_keeps_the_euro_and_says_so() -> None:
    clean = clean_input("Budget €5,000 agreed.".encode("cp1252"), 500)
    assert clean.text == "Budget €5,000 agreed."
    assert any("Windows-1252" in f for f in clean.findings)
    assert clean_input("Budget €5,000 agreed.".encode(), 500).findings == ()


@pytest.mark.parametrize("data", [b"\x00\x01\x02\xff", b"PK\x03\x04\x00\x00binary\x00\x07"])
def test_binary_is_still_refused_in_one_sentence(data: bytes) -> None:
    with pytest.raises(InputError) as err:
        decode_bytes(data, "update on stdin")
    assert str(err.value).count(". ") == 0 and str(err.value).endswith(".")


def test_cli_reads_windows_1252_from_stdin(tmp_path: Path) -> None:
    env = {**os.environ, "COACH_HOME": str(tmp_path), "COACH_ENGINE": "offline"}
    p = subprocess.run(
        [sys.executable, "-m", "coach.cli", "analyze", "-"],
        input="Raised €5,000 for the library fund.".encode("cp1252"),
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert p.returncode == 0, p.stderr
    assert "€5,000" in p.stdout.decode("utf-8")
    assert b"Windows-1252" in p.stderr
