"""The facts guard: numbers, money, percentages, dates, ids and names in = out.

Deterministic and shared by every engine and the eval suite. A fact is kept when the rewrite
contains it (numbers by value, names case-insensitively); a fact is added when the rewrite has
it but neither the source nor any allowed text (cited passages) does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from coach import yaml_io
from coach.htmltext import reader_view
from coach.reader_text import REF_LABEL, section_numbers
from coach.types import FactCheck


def _vocab() -> tuple[frozenset[str], frozenset[str]]:
    """(name stop words, sentence-initial verbs) from coach/data/facts.yaml."""
    data = yaml_io.data("facts.yaml")
    return frozenset(str(data["name_stop"]).split()), frozenset(str(data["verbs"]).split())


_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_FILE_EXT = "py|rs|js|ts|go|rb|java|c|h|cpp|sh|toml|yaml|yml|json|lock|cfg|ini|md"
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|ninety|hundred"
)

# Order matters: earlier patterns claim their text so later ones do not count it again.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("cite", re.compile(r"\[[ \t]?p?\d{1,3}[ \t]?\]")),  # citation and note markers [1], [p2], [ 3]
    # What a reader never reads (coach.reader_text: reference labels; heading outline numbers
    # are claimed before these patterns run, by section_numbers), claimed, dropped.
    ("unread", REF_LABEL),
    # A link definition's own label ("[feb-10-zulip-archive]: https://...") is no more read
    # than its use; the definition's target stays a fact (claimed by "url").
    ("unread", re.compile(r"(?m)^[ \t]{0,3}\[[^\]\n]+\]:(?=[ \t]*\S)")),
    # An image (alt text and address) is page furniture, not a claim: a rewrite that leaves the
    # picture out has lost no fact ("![Dark Mode Screenshot](...)", "![Photo](...)").
    # Markdown allows space inside the parentheses ("![Photo of trees]( https://...)").
    ("image", re.compile(r"!\[[^\]]*\]\([ \t]*[^)\s]*(?:\s+\"[^\"]*\")?[ \t]*\)")),
    # Trailing punctuation is the sentence's, not the address's ("see https://x.org/a;").
    ("url", re.compile(r"\bhttps?://[^\s<>\"')\]]+(?<![.,;:!?])", re.I)),
    # An HTML tag is layout: its attributes (style="flex: 1", <progress value="0" max="2">,
    # width="640") are not words a reader reads. A link target inside it (href) is a fact and
    # was claimed by "url" just above; the rest of the tag is claimed here and dropped.
    ("markup", re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>")),
    # Starts only where a run of address characters starts (leading ".+-" skipped, group 1 is
    # the fact): with a bare \b every word boundary inside a long run like "1.1.1." started a
    # scan to the run's end, quadratic in the run.
    ("email", re.compile(r"(?<![\w.+-])[.+-]*(\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b)")),
    ("id", re.compile(r"\b[A-Z][A-Z0-9]{1,9}-\d+\b|\b(?:INC|CHG|RITM|REQ|PRB|TASK)\d{4,}\b")),
    ("id", re.compile(r"(?:\bPR|\bMR|\bissue|\bticket)?\s?#\d+\b", re.I)),
    ("version", re.compile(r"\bv\d+(?:\.\d+){0,3}\b", re.I)),
    # Code a reader must see as written: a code span (`ping-goals`, `feature_missing`), a
    # snake_case name (mod_wsgi), a file name (setup.py), a handle (@oneteamgov). No rewrite
    # paraphrases them, and the name pattern below never sees a lower-case word.
    ("code", re.compile(r"`([^`\n]{2,60})`")),
    ("code", re.compile(r"(?<![\w.@/-])@[A-Za-z0-9_][\w-]{1,38}\b")),
    ("code", re.compile(r"(?<![\w.@/-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")),
    ("code", re.compile(rf"(?<![\w.@/-])[\w-]+\.(?:{_FILE_EXT})\b(?![.\w/-])")),
    ("date", re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b")),
    (
        "date",
        re.compile(
            rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\b(?:\s+\d{{4}})?"
            rf"|\b(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?",
            re.I,
        ),
    ),
    ("date", re.compile(rf"\b(?:{_MONTHS})\s+\d{{4}}\b", re.I)),
    ("date", re.compile(r"\b(?:Q[1-4]|H[12])(?:\s*(?:FY)?\s*'?\d{2,4})?\b|\bFY\s?'?\d{2,4}\b")),
    # [ \t], not \s: "### Next week" over a numbered list is not the fact "week 1".
    (
        "date",
        re.compile(r"\b(?:sprint|week|wk|phase|wave|release|stage|gate|PI)[ \t]?#?\d+\b", re.I),
    ),
    # A duration in number words is a figure the curators keep ("over the past three weeks",
    # "for six hours", "three-month windows"): as much a fact as "3 weeks".
    (
        "date",
        re.compile(
            rf"\b(?:{_NUMBER_WORDS})[ -](?:minute|hour|day|week|fortnight|month|quarter|year)s?\b",
            re.I,
        ),
    ),
    # A numbered list's markers ("1. ", "2) ") are layout, not facts: claimed here, then dropped.
    # A numbered heading's number too ("## 5. We carried out a desktop walkthrough").
    ("listmark", re.compile(r"(?m)^[ \t]*(?:#{1,6}[ \t]+)?\d{1,3}[.)](?=[ \t])")),
    (
        "money",
        re.compile(
            r"(?:[£$€¥]|\b(?:USD|GBP|EUR)\s?)\d[\d,]*(?:\.\d+)?\s?(?:k|m|bn|b|million|billion|thousand)?\b",
            re.I,
        ),
    ),
    # (?<![\d.]): a match may only start where a digit run starts; without it every position
    # of a long digit run started a match that then backtracked, quadratic in the run.
    (
        "percent",
        re.compile(r"(?<![\d.])[-+]?\d+(?:\.\d+)?\s?(?:%|percent\b|pp\b|per cent\b)", re.I),
    ),
    ("number", re.compile(r"(?<![\w.])[-+]?\d[\d,]*(?:\.\d+)?(?:k|m|bn|x)?(?![\w])", re.I)),
    ("date", re.compile(rf"\b(?:{_DAYS}|{_MONTHS.replace('|may', '')})\b", re.I)),
]

# What every match of a pattern contains (a literal, and whether a digit: `\d` as the patterns
# read it), so a text without it skips that pattern's scan: most units have no digit, no "@",
# no "<". The same facts either way (tests/test_facts_prefilter.py holds each pattern to it).
_DIGIT = re.compile(r"\d")
_NEEDS: dict[str, tuple[str, bool]] = {
    p.pattern: need
    for p, need in zip(
        (p for _, p in _PATTERNS),
        (
            ("[", True),  # cite
            ("[", False),  # reference label
            ("]:", False),  # link definition's label
            ("![", False),  # image
            ("://", False),  # url
            ("<", False),  # markup
            ("@", False),  # email
            ("", True),  # id: KEY-12, INC0001234
            ("#", True),  # id: #12
            ("", True),  # version
            ("`", False),  # code span
            ("@", False),  # handle
            ("_", False),  # snake_case
            (".", False),  # file name
            ("", True),  # ISO and slashed dates
            ("", True),  # day and month
            ("", True),  # month and year
            ("", True),  # quarters, halves, financial years
            ("", True),  # sprint 3, week 2
            None,  # durations in number words
            ("", True),  # list markers
            ("", True),  # money
            ("", True),  # percent
            ("", True),  # number
            None,  # day and month names
        ),
        strict=True,
    )
    if need is not None
}


def _may_match(text: str, digits: bool, literal: str, digit: bool) -> bool:
    return (digits or not digit) and (not literal or literal in text)


_NAME_STOP, _VERBS = _vocab()
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’&]*(?:[.-][A-Za-z0-9]+)*")
# A sentence, line or list item starts here, after any run of markers ("## 1) Infrastructure")
# and bold or italic marks ("**Latest news**:" is a label, its first word no name).
_SENTENCE_START = re.compile(
    r"(?:(?:^|\n)\s*(?:[-*+•]\s+(?:\[[ xX]\]\s+)?|\d+[.)]\s+|#+\s+|>\s*)*|[.!?:]\s+|\(\s*|\"\s*|“\s*)"
    r"(?:\*{1,3}|_{1,3})?$"
)


@dataclass(frozen=True)
class Fact:
    kind: str  # url, email, id, version, code, date, money, percent, number, name
    text: str  # as written
    key: str  # canonical form used for matching


def _number_key(raw: str) -> str:
    s = raw.lower().replace(",", "").replace(" ", "").lstrip("+")
    mult = 1.0
    for suffix, m in (
        ("billion", 1e9),
        ("million", 1e6),
        ("thousand", 1e3),
        ("bn", 1e9),
        ("k", 1e3),
        ("m", 1e6),
        ("b", 1e9),
    ):
        if s.endswith(suffix):
            s, mult = s[: -len(suffix)], m
            break
    s = s.rstrip("x")
    try:
        value = float(s) * mult
    except ValueError:
        return s
    return f"{value:.6g}"


_MONTH_NO = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_DAY_MONTH = re.compile(
    rf"^(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTHS})(?:,?\s+(\d{{4}}))?$"
    rf"|^({_MONTHS})\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?$"
    r"|^(\d{4})-(\d{2})-(\d{2})$"
)


def _date_key(t: str) -> str:
    """Dates as values: '3 March', 'March 3rd' and '3 mar' are one key; '2026-03-03' and
    '3 March 2026' are one key. Anything else keeps its written form."""
    m = _DAY_MONTH.match(t)
    if not m:
        return t.rstrip(".")
    g = m.groups()
    if g[0]:
        day, month, year = g[0], g[1], g[2]
    elif g[3]:
        month, day, year = g[3], g[4], g[5]
    else:
        return f"date:{g[6]}-{int(g[7]):02d}-{int(g[8]):02d}"
    return f"date:{year or ''}-{_MONTH_NO[month[:3]]:02d}-{int(day):02d}"


def _key(kind: str, text: str) -> str:
    t = " ".join(text.lower().split())
    if kind == "date":
        return _date_key(t)
    if kind == "number":
        return _number_key(t)
    if kind == "percent":
        return _number_key(re.sub(r"%|percent|per cent|pp", "", t)) + "%"
    if kind == "money":
        cur = re.match(r"[£$€¥]|usd|gbp|eur", t)
        rest = t[cur.end() :] if cur else t
        return (cur.group(0) if cur else "") + _number_key(rest)
    if kind == "id":
        return re.sub(r"^(pr|mr|issue|ticket)\s?", "", t).strip()
    return t.rstrip(".")


def _starts_sentence(text: str, pos: int) -> bool:
    """Whether `pos` starts a sentence, line or list item. Looks back a bounded window only, so
    extracting names stays linear in the length of the text."""
    return bool(_SENTENCE_START.search(text, max(0, pos - 40), pos))


def _names(text: str, masked: bytearray) -> list[tuple[int, Fact]]:
    """Proper names: CamelCase, ACRONYMS, and capitalised words not at a sentence start."""
    words = [m for m in _WORD.finditer(text) if masked.find(1, m.start(), m.end()) < 0]
    capitalised_inside = {
        m.group(0).lower()
        for m in words
        if m.group(0)[0].isupper() and not _starts_sentence(text, m.start())
    }
    out: list[tuple[int, Fact]] = []
    i = 0
    while i < len(words):
        m = words[i]
        w = m.group(0)
        if not _is_namey(w) or _NAME_STOP & {w.lower(), re.split("['’]", w.lower())[0]}:  # I’ve
            i += 1
            continue
        initial = _starts_sentence(text, m.start())
        strong = _is_strong(w)
        # Extend over following capitalised words separated only by a space.
        j = i
        while (
            j + 1 < len(words)
            and text[words[j].end() : words[j + 1].start()] == " "
            and _is_namey(words[j + 1].group(0))
            and words[j + 1].group(0).lower() not in _NAME_STOP
        ):
            j += 1
        multi = j > i
        if initial and not (strong or multi or w.lower() in capitalised_inside):
            i += 1
            continue
        if initial and multi and not strong and _verbish(w) and w.lower() not in capitalised_inside:
            # "Migrated ZenHub": drop the sentence-initial verb, keep the name after it.
            i += 1
            continue
        phrase = text[m.start() : words[j].end()]
        out.append((m.start(), Fact("name", phrase, _key("name", phrase))))
        i = j + 1
    return out


def _verbish(w: str) -> bool:
    lw = w.lower()
    return lw in _VERBS or lw.endswith(("ed", "ing", "ise", "ize", "ate"))


def _is_namey(w: str) -> bool:
    return w[0].isupper() or (any(c.isupper() for c in w[1:]) and w[0].islower() and len(w) > 2)


def _is_strong(w: str) -> bool:
    """CamelCase or an acronym: a name wherever it stands."""
    letters = [c for c in w if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return True
    return any(c.isupper() for c in w[1:])


def extract_facts(text: str) -> list[Fact]:
    """Every checkable fact in `text`, in order of appearance, duplicates removed by key."""
    return list(_extract(text))


@lru_cache(maxsize=4096)
def _extract(text: str) -> tuple[Fact, ...]:
    """extract_facts, once per distinct text: a rewrite reads the same unit's and the same
    source's facts many times over (sections, questions, the final check, the scores)."""
    masked = bytearray(len(text))  # 1 where an earlier pattern claimed the character
    for s, e in section_numbers(text):  # a heading's outline number: read by no reader
        masked[s:e] = b"\x01" * (e - s)
    found: list[tuple[int, Fact]] = []
    digits = _DIGIT.search(text) is not None
    for kind, pattern in _PATTERNS:
        needs = _NEEDS.get(pattern.pattern)
        if needs is not None and not _may_match(text, digits, *needs):
            continue  # no match is possible: the scan would find nothing
        group = 1 if pattern.groups else 0  # a pattern with a group reports only that group
        for m in pattern.finditer(text):
            s, e = m.span(group)
            raw = m.group(group)
            stripped = raw.strip()
            s += len(raw) - len(raw.lstrip())
            e = s + len(stripped)
            if kind == "markup":  # claims what is left of the tag around its URLs
                masked[s:e] = b"\x01" * (e - s)
                continue
            if not stripped or masked.find(1, s, e) >= 0:
                continue
            masked[s:e] = b"\x01" * (e - s)
            found.append((s, Fact(kind, stripped, _key(kind, stripped))))
    found.extend(_names(text, masked))
    found.sort(key=lambda p: p[0])
    seen: set[tuple[str, str]] = set()
    out = []
    for _, f in found:
        ident = (_family(f.kind), f.key)
        if f.kind not in ("cite", "unread", "listmark", "image") and ident not in seen:
            seen.add(ident)
            out.append(f)
    return tuple(out)


def _family(kind: str) -> str:
    return "name" if kind == "name" else "value"


def _present(fact: Fact, keys: set[str], haystack: str) -> bool:
    if fact.key in keys:
        return True
    if fact.kind in ("name", "date", "id", "url", "email", "version", "code"):
        return fact.key in haystack
    return False


def check_facts(source: str, rewrite: str, allowed: Iterable[str] = ()) -> FactCheck:
    """Compare the facts of `source` and `rewrite`; `allowed` texts (citations) may add facts."""
    # Both sides as read (coach.htmltext): "&amp;" is "&", "<code>x</code>" is x.
    seen, said = reader_view(source), reader_view(rewrite)
    src, out = extract_facts(seen), extract_facts(said)
    out_keys = {f.key for f in out}
    out_hay = " ".join(said.lower().split())
    missing = [f.text for f in src if not _present(f, out_keys, out_hay)]
    allowed_text = "\n".join(allowed)
    ok_keys = {f.key for f in src} | {f.key for f in extract_facts(allowed_text)}
    ok_hay = " ".join((seen + "\n" + allowed_text).lower().split())
    added = [f.text for f in out if not _present(f, ok_keys, ok_hay)]
    return FactCheck(
        missing=tuple(missing),
        added=tuple(added),
        kept=len(src) - len(missing),
        total=len(src),
        found=len(out),
    )


def describe(check: FactCheck) -> str:
    """One line for a person: 'all 12 kept', or 'kept 41 of 43; missing: week 1, 2; added:
    £2m'. Facts are shown as text on one line each, never as a Python list."""
    if check.ok:
        return f"all {check.total} kept"

    def show(items: tuple[str, ...]) -> str:
        return ", ".join(" ".join(i.split()) for i in items) or "none"

    return (
        f"kept {check.kept} of {check.total}; missing: {show(check.missing)}; "
        f"added: {show(check.added)}"
    )
