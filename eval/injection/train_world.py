"""Training texts in many languages and scripts (train_world.yaml): orders to a model of every
class, and clean look-alikes, so the classifier learns "an order to whatever rewrites this text"
rather than "English" or "one of the languages the blind sets happened to use".

Per language (ISO 639-1) with its family, for leave-one-family-out validation in train_model.py:
four orders with a marker {m} (a direct order; a polite or passive request about the rewrite,
summary or version made from this text; a role to play; an output-format order; fewer for the
smaller languages) and clean lines (a status sentence, a staff checklist step, an ask to a
colleague, some quoted policies). Written by hand in round seven, never from
fresh*_payloads.jsonl.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from coach import yaml_io

DATA = Path(__file__).with_name("train_world.yaml")


@lru_cache(maxsize=1)
def _data() -> dict:
    return yaml_io.load(DATA.read_text("utf-8"))  # PyYAML lives in coach/yaml_io.py


def world() -> dict[str, tuple[str, list[str], list[str]]]:
    """lang -> (family, orders with {m}, clean lines)."""
    return {
        lang: (v["family"], list(v["orders"]), list(v["clean"]))
        for lang, v in _data()["languages"].items()
    }


def world_clean(langs: set[str] | None = None, more: bool = False) -> list[tuple[str, str]]:
    """(language, text) of every clean line (only `langs`, when given; with `more`, also the
    asks about other summaries in clean_more, which read much like a polite order)."""
    out = [
        (lang, t)
        for lang, (_, _, lines) in world().items()
        if langs is None or lang in langs
        for t in lines
    ]
    extra = _data()["clean_more"] if more else {}
    out += [(lang, t) for lang, ts in extra.items() if langs is None or lang in langs for t in ts]
    return out


def families() -> dict[str, set[str]]:
    """family -> its languages, for leave-one-family-out validation."""
    out: dict[str, set[str]] = {}
    for lang, (family, _, _) in world().items():
        out.setdefault(family, set()).add(lang)
    return out
