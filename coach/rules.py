"""Lexicons as data: the default rules file, extended by an organisation's own YAML."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from coach.errors import ConfigError


@dataclass(frozen=True)
class Category:
    name: str
    explanation: str
    question: str
    terms: tuple[str, ...]
    pattern: re.Pattern[str] | None


@dataclass(frozen=True)
class Rules:
    categories: tuple[Category, ...]
    signals: dict[str, re.Pattern[str]]
    preferred: dict[str, str] = field(default_factory=dict)
    source: str = "default"

    def category(self, name: str) -> Category:
        for c in self.categories:
            if c.name == name:
                return c
        raise KeyError(name)


def _compile(terms: list[str]) -> re.Pattern[str] | None:
    if not terms:
        return None
    ordered = sorted({t.strip().lower() for t in terms if t.strip()}, key=len, reverse=True)
    alts = "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in ordered)
    return re.compile(rf"(?<![\w-])(?:{alts})(?![\w-])", re.I)


def _read_yaml(path: Path | None) -> dict[str, Any]:
    if path is None:
        text = resources.files("coach").joinpath("rules/default.yaml").read_text("utf-8")
        where = "the default rules"
    else:
        try:
            text = Path(path).read_text("utf-8")
        except OSError as exc:
            raise ConfigError(f"Cannot read the rules file {path}: {exc.strerror}.") from None
        where = str(path)
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"The rules file {where} is not valid YAML: {exc}.") from None
    if not isinstance(data, dict):
        raise ConfigError(f"The rules file {where} must be a mapping of keys to lists.")
    return data


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = {k: (dict(v) if isinstance(v, dict) else v) for k, v in base.items()}
    for name, cat in (extra.get("categories") or {}).items():
        target = out.setdefault("categories", {}).setdefault(name, {})
        target = dict(target)
        target["terms"] = list(target.get("terms", [])) + list(cat.get("terms", []))
        for key in ("explanation", "question"):
            if cat.get(key):
                target[key] = cat[key]
        out["categories"][name] = target
    for name, terms in (extra.get("signals") or {}).items():
        out.setdefault("signals", {})[name] = list(out["signals"].get(name, [])) + list(terms)
    out["preferred"] = {**(base.get("preferred") or {}), **(extra.get("preferred") or {})}
    for term in extra.get("banned") or []:
        out["categories"].setdefault(
            "banned",
            {"explanation": "Your organisation asks not to use this term.", "terms": []},
        )["terms"].append(term)
    return out


@lru_cache(maxsize=16)
def load_rules(path: str | None = None) -> Rules:
    """The default rules, extended by the organisation's file at `path` when given."""
    data = _read_yaml(None)
    if path:
        data = _merge(data, _read_yaml(Path(path)))
    cats = []
    for name, spec in (data.get("categories") or {}).items():
        terms = [str(t) for t in spec.get("terms", [])]
        preferred = data.get("preferred") or {}
        cats.append(
            Category(
                name=name,
                explanation=spec.get("explanation", ""),
                question=spec.get("question", "What changed, and for whom?"),
                terms=tuple(terms + [t for t in preferred if name == "banned"]),
                pattern=_compile(terms),
            )
        )
    signals = {
        name: p
        for name, terms in (data.get("signals") or {}).items()
        if (p := _compile([str(t) for t in terms])) is not None
    }
    return Rules(
        categories=tuple(cats),
        signals=signals,
        preferred={str(k).lower(): str(v) for k, v in (data.get("preferred") or {}).items()},
        source=path or "default",
    )
