"""Spreadsheet cells that are safe to open: the formula-injection guard for CSV and XLSX output.

Decoding lives in coach.untrusted (one policy for batch and ingest).
"""

from __future__ import annotations

import re

_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?(?:[eE][-+]?\d+)?%?")


def safe_cell(value: object) -> object:
    """Formula injection guard: a text cell starting with = + - @ tab or CR gets a leading '.

    Plain numbers written as text ("-5", "+3.2") are left alone: they are not formulas.
    """
    if isinstance(value, str) and value and value[0] in "=+-@\t\r":
        if _NUMBER.fullmatch(value):
            return value
        return "'" + value
    return value
