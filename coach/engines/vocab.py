"""The offline engine's wording and vocabulary (prompts/offline.yaml), loaded once, and the
two ways its word lists are read everywhere: a list by key, and "the text opens on a word of
the list". Split from sections.py so the lean test (coach/engines/leaning.py) and the sorting
read the same file without importing each other.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache, lru_cache
from typing import Any

from coach import yaml_io
from coach.resources import data_path


@lru_cache(maxsize=1)
def template() -> dict[str, Any]:
    """The offline engine's wording and vocabulary (prompts/offline.yaml), loaded once."""
    data: dict[str, Any] = yaml_io.load(template_text())
    return data


@lru_cache(maxsize=1)
def template_text() -> str:
    return (data_path("prompts") / "offline.yaml").read_text("utf-8")


def template_digest() -> str:
    return hashlib.sha256(template_text().encode()).hexdigest()


@cache
def words(key: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in template()["sections"][key])


def starts(text: str, key: str) -> bool:
    low = text.lower().lstrip("\"'“‘([ ")
    return any(low.startswith(w) and boundary(low, len(w)) for w in words(key))


def boundary(low: str, n: int) -> bool:
    return n >= len(low) or not low[n].isalnum() or low[n - 1] in " :"


def courtesy(text: str) -> bool:
    """A "please" of courtesy that asks for nothing ("Please bear with us then."), no lead-in."""
    return starts(text, "courtesy_start") and not text.rstrip().endswith(":")


def no_ask(text: str) -> bool:
    """Opens as an ask does ("Please ...", "If you ...") and asks nothing: a courtesy, or a
    condition with no request after it ("If you create a token, you will now receive ...")."""
    low = " " + text.lower() + " "
    asks = any(re.search(rf"\W{re.escape(w)}\W", low) for w in words("request_any"))
    return courtesy(text) or (starts(text, "if_start") and not asks)
