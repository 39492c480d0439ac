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


# ao-nodejs-2022-07 as written: bullet lead-ins ending on ":" with lists indented under them,
# marked "1)", "*" and "-" (the list showed "- Triagged HackerOne reports:" then "- 1646638."
# and "- 1625036." at its own level, as if they were items of work of their own)
NODEJS_NESTED = """The Node.js released a new security version on July, 7th.

* Triagged HackerOne reports:
  1) 1646638
  1) 1625036

* HackerOne reports with a fix ready/land:
  1) 1642017 (GHSA-8qr4-xgw6-wmr3)
  2) 1632921 (To be defined)
  3) 1638888 (GHSA-f772-66g8-q5h3)
  3) 1623175 (CVE-2022-32222)

* Backport Pull Requests were created to include the revert flag on the OpenSSL Security change (CVE-2022-32223)
on the following active lines:
  * [v16](https://github.com/nodejs/node/pull/43892)
  * [v14](https://github.com/nodejs/node/pull/43782)

- Monthly report was submitted.

* There are three significant initiatives running in the Security WG:
  - Security Model/Threat Model for Node.js
  - Automatic check for dependencies' vulnerabilities in Node.js CI
  - Permission Model

* As part of the process, open issues were re-evaluated and some of them were closed as out-of-date/solved.
  * To avoid out-of-date issues, a stale bot was added to the project: [#814](https://github.com/nodejs/security-wg/pull/814)
"""


def test_a_list_indented_under_a_bullet_lead_in_stays_under_it() -> None:
    text = draft(NODEJS_NESTED).text
    work = block(text, "Supporting work:")
    lines = work.splitlines()[1:]
    top = [line for line in lines if line.startswith("- ")]
    for sub in ("1646638", "1642017", "1632921", "[v16]", "[v14]", "Permission Model"):
        assert not any(line[2:].startswith(sub) for line in top), work  # not a sibling
    for lead_in, subs in (
        ("Triagged HackerOne reports:", ("1646638", "1625036")),
        ("HackerOne reports with a fix ready/land:", ("1642017", "1623175")),
        ("on the following active lines:", ("43892", "43782")),
        ("running in the Security WG:", ("Threat Model", "Permission Model")),
    ):
        at = next(k for k, line in enumerate(lines) if lead_in in line)
        said = lines[at].split(lead_in, 1)[1] + "\n".join(
            line for line in lines[at + 1 :] if line.startswith("  - ")
        )
        assert all(s in said for s in subs), work
    # a bullet under one that ends on a stop is no lead-in's member: it stays an item of its own
    assert any(line.startswith("- To avoid out-of-date issues") for line in top), work
    missing = {f.text for f in extract_facts(NODEJS_NESTED)} - {f.text for f in extract_facts(text)}
    assert not missing
