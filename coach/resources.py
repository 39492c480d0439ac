"""Find the data files that ship with coach: prompts/ and corpus/ (in the wheel, or in a checkout)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def data_path(name: str) -> Path:
    """`prompts` or `corpus`: inside the installed wheel, else next to the package in a checkout."""
    packaged = Path(str(resources.files("coach"))) / "_data" / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"coach's {name}/ folder is missing from this installation.")
