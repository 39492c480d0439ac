"""Fact extraction skips a pattern's scan when the text lacks what every match of that pattern
contains (a digit, "@", "<" ...). That is only a speed-up if it never skips a match: every match
of every pattern, on the shipped texts and on one example of each kind of fact, must contain
what the pattern is said to need."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coach import facts

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = [
    'See [1] and [p2]; ![Dark mode](shot.png "x") at https://example.org/a?b=1; <b>bold</b>',
    "Mail ana.p@example.gov.uk, JIRA-123, INC0012345, PR #42, issue #7, v2.1.3, `make setup`",
    "@oneteamgov moved mod_wsgi and setup.py; 2026-03-03, 3/4/26, 3rd March 2026, March 3",
    "March 2026, Q3 FY25, H1, FY 2024, sprint 12, week #3, three weeks, six-month windows",
    "1. First\n## 2) Second\n£2.5m, $300k, USD 40, EUR5 million, 40%, 12.5 percent, 3 pp",
    "-1,200 users, 3x faster, 4bn, Monday and Tuesday in September, Sept and Dec",
    "On [Friday, February 10th][feb-10-zulip] we met\n### 1.1) Codeorigin\n### 1.2 Blogs\n[feb-10-zulip]: https://z.org",
    "٣ ١٢ Unicode digits: week ٣, ٤٠٪ and v٢",  # \d reads any decimal digit, not only ASCII
]


def _texts() -> list[str]:
    out = list(EXAMPLES)
    for path in sorted((ROOT / "corpus").glob("*.md")):
        out.append(path.read_text("utf-8"))
    for path in sorted((ROOT / "eval").glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                out.extend(v for v in row.values() if isinstance(v, str))
    return out


@pytest.mark.parametrize("kind,pattern", facts._PATTERNS, ids=lambda v: str(v)[:24])
def test_every_match_contains_what_the_pattern_needs(kind: str, pattern: object) -> None:
    needs = facts._NEEDS.get(pattern.pattern)  # type: ignore[attr-defined]
    if needs is None:
        return  # never skipped
    matches = [m.group(0) for t in _texts() for m in pattern.finditer(t)]  # type: ignore[attr-defined]
    assert matches, f"no example of {kind} {pattern!r}: add one, or the check proves nothing"
    for m in matches:
        assert facts._may_match(m, facts._DIGIT.search(m) is not None, *needs), (kind, m)


def test_a_wrong_need_would_be_caught() -> None:
    """The check above can fail: a pattern said to need "@" does not hold on a plain number."""
    number = next(p for k, p in facts._PATTERNS if k == "number")
    m = number.search("closed 40 tickets")
    assert m is not None
    assert not facts._may_match(m.group(0), True, "@", True)
