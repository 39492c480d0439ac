"""Supporting work that stays readable (2 December): many activity units are the author's list,
one a line, in the author's order, not one paragraph of semicolons; a few stay one folded line.
Each case is an excerpt of a real update of the real-updates dataset (its id in the comment)."""

from __future__ import annotations

import re

from coach.analysis import analyze
from coach.engines.base import Request
from coach.engines.offline import OfflineEngine
from coach.facts import extract_facts

# ao-nodejs-2022-07: an outcome, then many items of work (the fold was one 20-item run-on line)
NODEJS = """The Node.js released a new security version on July, 7th.

- Monthly report was submitted.
- The Threat Model is being discussed in the Security WG.
- Triagged HackerOne reports 1646638 and 1625036.
- Backport Pull Requests were created to include the revert flag on the OpenSSL change (CVE-2022-32223).
- Open issues were re-evaluated and some of them were closed as out-of-date.
- To avoid out-of-date issues, a stale bot was added to the project: [#814](https://github.com/nodejs/security-wg/pull/814).
- A channel was created in the OpenJS Foundation Slack for the Security WG Team.
"""


def draft(text: str, **kw: str):  # type: ignore[no-untyped-def]
    return OfflineEngine().rewrite(Request(text, analyze(text), (), **kw))  # type: ignore[arg-type]


def block(text: str, label: str) -> str:
    """The rewrite's block that opens on `label` (blocks are separated by a blank line)."""
    return next(b for b in text.split("\n\n") if b.startswith(label))


def test_many_items_of_supporting_work_stay_a_list() -> None:
    text = draft(NODEJS).text
    work = block(text, "Supporting work:")
    lines = work.splitlines()[1:]
    assert len(lines) >= 6 and all(line.startswith("- ") for line in lines), work
    assert "; " not in work  # no fold
    firsts = [line[2:12] for line in lines]
    assert firsts == sorted(firsts, key=lambda f: NODEJS.index(f)), "the author's order"
    missing = {f.text for f in extract_facts(NODEJS)} - {f.text for f in extract_facts(text)}
    assert not missing


def test_a_few_items_still_fold_into_one_line() -> None:
    few = "\n".join(NODEJS.splitlines()[:5])  # the outcome and three items
    work = block(draft(few).text, "Supporting work:")
    assert "\n" not in work and re.search(r"; \w", work), work
