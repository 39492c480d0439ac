"""Lexicons as data: the default rules file, extended by an organisation's own YAML."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from coach import yaml_io
from coach.errors import ConfigError

V = TypeVar("V")


class Compiled(Mapping[str, V]):
    """name -> its regex (a source string) or its regexes (a tuple of them), compiled on first
    read: a process reads few of them (a `coach rewrite` 12 of the 169 pattern alternatives,
    none of the category and signal alternations, which the lexicons replaced), and compiling
    them all cost about 25 ms of its start-up. Sources, not closures, so it pickles (batch
    workers get the rules)."""

    def __init__(self, sources: dict[str, str | tuple[str, ...]], flags: int = 0) -> None:
        self._sources = sources
        self._flags = flags
        self._done: dict[str, V] = {}

    def __getitem__(self, name: str) -> V:
        if name not in self._done:
            src = self._sources[name]
            value: Any = (
                re.compile(src, self._flags)
                if isinstance(src, str)
                else tuple(re.compile(a, self._flags) for a in src)
            )
            self._done[name] = value
        return self._done[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._sources)

    def __len__(self) -> int:
        return len(self._sources)


@dataclass(frozen=True)
class Category:
    name: str
    explanation: str
    question: str
    terms: tuple[str, ...]

    @property
    def pattern(self) -> re.Pattern[str] | None:
        """The terms as one regex, built on first use (the analyzer reads the lexicon)."""
        if "_pattern" not in self.__dict__:
            object.__setattr__(self, "_pattern", _compile(list(self.terms)))
        return self.__dict__["_pattern"]  # type: ignore[no-any-return]


# Words as the lexicons see them: letters/digits joined by inner punctuation, so "monday.com",
# "ci/cd", "stand-up" and "1:1" are one token each and "Jira." is "jira".
_TOKEN = re.compile(r"[^\W_]+(?:[.'’/:&+-][^\W_]+)*")


def words(text: str) -> list[str]:
    """The lower-cased words of `text`, as the lexicons see them (one C-level pass)."""
    return _TOKEN.findall(text.lower())


def word_offsets(text: str) -> list[tuple[int, int]]:
    """(start, end) in `text` of each word that `words(text)` returns, in the same order."""
    low = text.lower()
    if len(low) != len(text):  # a rare character whose lower case is longer: scan per token
        return [m.span() for m in _TOKEN.finditer(text)]
    return [m.span() for m in _TOKEN.finditer(low)]


class Lexicon:
    """Multi-word terms looked up by their first word: linear in the text, not in the lexicon.

    A regex alternation of ~600 terms costs ~0.1 ms per sentence; this costs a set lookup per
    word, which is what keeps the analyzer above 1,000 updates a second.
    """

    def __init__(self, entries: list[tuple[str, str]]) -> None:
        first: dict[str, list[tuple[list[str], str]]] = {}
        seen: set[tuple[str, ...]] = set()
        for term, name in entries:
            seq = tuple(words(term))
            if not seq or seq in seen:
                continue  # the first category to claim a term keeps it
            seen.add(seq)
            first.setdefault(seq[0], []).append((list(seq[1:]), name))
        for cands in first.values():
            cands.sort(key=lambda c: -len(c[0]))
        self._first = first

    def match(self, ws: list[str]) -> list[tuple[int, int, str]]:
        """Longest terms, left to right, never overlapping: (first word, last word + 1, name)."""
        first = self._first
        out: list[tuple[int, int, str]] = []
        free = 0
        for i in [i for i, w in enumerate(ws) if w in first]:
            if i < free:
                continue
            for tail, name in first[ws[i]]:
                k = len(tail)
                if not k or ws[i + 1 : i + 1 + k] == tail:
                    out.append((i, i + 1 + k, name))
                    free = i + 1 + k
                    break
        return out


@dataclass(frozen=True)
class Rules:
    categories: tuple[Category, ...]
    signals: Mapping[str, re.Pattern[str]]
    preferred: dict[str, str] = field(default_factory=dict)
    # Term -> why it is process talk, where the category's sentence would be wrong for it.
    explain: dict[str, str] = field(default_factory=dict)
    # The analyzer's English patterns (result links, the outcome finder, plans...), compiled once
    # from the `patterns` section; an organisation's file adds alternatives to any of them.
    patterns: dict[str, re.Pattern[str]] = field(default_factory=dict, compare=False, repr=False)
    triggers: dict[str, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)
    # Each pattern's alternatives compiled on their own: the learned layer's features.
    parts: Mapping[str, tuple[re.Pattern[str], ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    source: str = "default"
    lexicon: Lexicon = field(default_factory=lambda: Lexicon([]), compare=False, repr=False)
    signal_lexicon: Lexicon = field(default_factory=lambda: Lexicon([]), compare=False, repr=False)

    @property
    def by_name(self) -> dict[str, Category]:
        """Categories by name, built once (the analyzer looks one up per span)."""
        cached = self.__dict__.get("_by_name")
        if cached is None:
            cached = {c.name: c for c in self.categories}
            object.__setattr__(self, "_by_name", cached)
        return cached

    def category(self, name: str) -> Category:
        for c in self.categories:
            if c.name == name:
                return c
        raise KeyError(name)


def _alternation(terms: list[str]) -> str:
    ordered = sorted({t.strip().lower() for t in terms if t.strip()}, key=len, reverse=True)
    alts = "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in ordered)
    return rf"(?<![\w-])(?:{alts})(?![\w-])"  # compiled with re.I


def _compile(terms: list[str]) -> re.Pattern[str] | None:
    return re.compile(_alternation(terms), re.I) if terms else None


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
        data = yaml_io.load(text) or {}
    except yaml_io.YAMLError as exc:
        raise ConfigError(f"The rules file {where} is not valid YAML: {exc}.") from None
    if not isinstance(data, dict):
        raise ConfigError(f"The rules file {where} must be a mapping of keys to lists.")
    return data


def _check(data: dict[str, Any], where: str) -> None:
    """An organisation's file is user input: a wrong shape is one clear sentence, not a traceback."""
    for name, spec in (data.get("patterns") or {}).items():
        alts = spec.get("any") if isinstance(spec, dict) else spec
        if not isinstance(alts or [], list):
            raise ConfigError(f"In the rules file {where}, pattern `{name}` must be a list.")
    for key in ("categories", "signals", "preferred", "patterns", "explain"):
        if not isinstance(data.get(key) or {}, dict):
            raise ConfigError(f"In the rules file {where}, `{key}` must be a mapping.")
    if not isinstance(data.get("banned") or [], list):
        raise ConfigError(f"In the rules file {where}, `banned` must be a list of terms.")
    for name, cat in (data.get("categories") or {}).items():
        if not isinstance(cat, dict) or not isinstance(cat.get("terms") or [], list):
            raise ConfigError(f"In the rules file {where}, category `{name}` needs a `terms` list.")
    for name, terms in (data.get("signals") or {}).items():
        if not isinstance(terms or [], list):
            raise ConfigError(f"In the rules file {where}, signal `{name}` must be a list.")


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Lists add up; an org's `banned` terms and `preferred` keys (Vale-style substitutions)
    become the `banned` category, which wins over the default category of the same term."""
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
    for name, spec in (extra.get("patterns") or {}).items():
        alts = spec.get("any", []) if isinstance(spec, dict) else spec
        target = dict(out.setdefault("patterns", {}).get(name) or {"wrap": "{}", "any": []})
        target["any"] = list(target.get("any", [])) + [str(a) for a in alts or []]
        if isinstance(spec, dict) and spec.get("triggers"):
            target["triggers"] = list(target.get("triggers", [])) + list(spec["triggers"])
        out["patterns"][name] = target
    out["preferred"] = {**(base.get("preferred") or {}), **(extra.get("preferred") or {})}
    out["explain"] = {**(base.get("explain") or {}), **(extra.get("explain") or {})}
    for term in [*(extra.get("banned") or []), *(extra.get("preferred") or {})]:
        out["categories"].setdefault(
            "banned",
            {"explanation": "Your organisation asks not to use this term.", "terms": []},
        )["terms"].append(term)
    return out


def _parts(data: dict[str, Any]) -> Compiled[tuple[re.Pattern[str], ...]]:
    sources: dict[str, str | tuple[str, ...]] = {}
    for name, spec in (data.get("patterns") or {}).items():
        wrap = str(spec.get("wrap", "{}"))
        sources[name] = tuple(wrap.replace("{}", str(a)) for a in spec.get("any", []))
    return Compiled(sources)


def _patterns(data: dict[str, Any], where: str) -> dict[str, re.Pattern[str]]:
    """Each pattern is `wrap` (a template with {}) around its `any` alternatives joined by |."""
    out = {}
    for name, spec in (data.get("patterns") or {}).items():
        alts = [str(a) for a in spec.get("any", [])]
        if not alts:
            continue
        try:
            out[name] = re.compile(str(spec.get("wrap", "{}")).replace("{}", "|".join(alts)))
        except re.error as exc:
            raise ConfigError(f"Pattern `{name}` in {where} is not a valid regex: {exc}.") from None
    return out


def load_rules(path: str | None = None) -> Rules:
    """The default rules, extended by the organisation's file at `path` when given; built
    once per process and path (`load_rules()` and `load_rules(None)` are the same rules)."""
    return _load_rules(str(path) if path else None)


@lru_cache(maxsize=16)
def _load_rules(path: str | None) -> Rules:
    data = _read_yaml(None)
    if path:
        extra = _read_yaml(Path(path))
        _check(extra, str(path))
        data = _merge(data, extra)
    cats = []
    for name, spec in (data.get("categories") or {}).items():
        terms = [str(t) for t in spec.get("terms", [])]
        cats.append(
            Category(
                name=name,
                explanation=spec.get("explanation", ""),
                question=spec.get("question", "What changed, and for whom?"),
                terms=tuple(str(t) for t in terms),
            )
        )
    signal_terms = {
        name: [str(t) for t in terms] for name, terms in (data.get("signals") or {}).items()
    }
    signals: Compiled[re.Pattern[str]] = Compiled(
        {name: _alternation(terms) for name, terms in signal_terms.items() if terms}, re.I
    )
    # An organisation's banned terms win over the default category of the same term.
    ordered = sorted(cats, key=lambda c: c.name != "banned")
    return Rules(
        categories=tuple(cats),
        signals=signals,
        preferred={str(k).lower(): str(v) for k, v in (data.get("preferred") or {}).items()},
        explain={
            " ".join(str(k).lower().split()): str(v) for k, v in (data.get("explain") or {}).items()
        },
        source=path or "default",
        patterns=_patterns(data, path or "the default rules"),
        parts=_parts(data),
        triggers={
            name: frozenset(str(t) for t in spec["triggers"])
            for name, spec in (data.get("patterns") or {}).items()
            if spec.get("triggers")
        },
        lexicon=Lexicon([(t, c.name) for c in ordered for t in c.terms]),
        signal_lexicon=Lexicon([(t, n) for n, terms in signal_terms.items() for t in terms]),
    )
