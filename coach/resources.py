"""Find the data files that ship with coach: prompts/ and corpus/ (in the wheel, or in a checkout)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def word_list(name: str) -> tuple[str, ...]:
    """coach/data/NAME: one entry a line, in file order; blank lines and # comments skipped."""
    text = resources.files("coach").joinpath("data", name).read_text(encoding="utf-8")
    return tuple(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


def data_path(name: str) -> Path:
    """`prompts` or `corpus`: inside the installed wheel, else next to the package in a checkout."""
    packaged = Path(str(resources.files("coach"))) / "_data" / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"coach's {name}/ folder is missing from this installation.")
