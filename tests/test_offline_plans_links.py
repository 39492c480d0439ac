"""Two defects of the offline rewrite on the real dev set (2 December), each from a short
paraphrased excerpt of a project-management update (rust-pm-2025-07-goal-admin):

- a lead-in, then its address alone on the next line, then a sentence that leans on it: the
  rewrite showed the lead-in as one bullet ("... update:") and the address glued to the next
  sentence by a full stop ("- https://x.org/post/. With that done, ..."); now the address goes
  with its lead-in, delimited, and no stop touches it;
- a sentence whose main clause is the author's future ("Once the reviewers are picked, we'll
  meet the leads and choose which goals to accept") led "What changed": the eye reads a result
  in it, but it is a plan, shown under next steps.

Both fail on main before the fix (e87581f).
"""

from __future__ import annotations

import pytest

from coach.analysis import analyze
from coach.engines.base import Request
from coach.engines.offline import OfflineEngine
from coach.engines.sections import items
from coach.facts import check_facts

ADDRESS = "https://blog.example.org/2025/08/05/summer-goals-update/"
LINKED = f"""## Closing the spring goals

After the owners sent their last notes, I've posted the final spring goals update:

<{ADDRESS}>

With that done, I've closed most of the tracking issues. A few goals carry on into autumn so we keep those open.
"""

PLANNED = """Based on what people told us, we've changed a few things this round:

* We're showing the proposals to the team leads earlier, before the final write-up.
* For each proposal, we've asked each named team to pick a reviewer who keeps it unblocked.

Once all the reviewers are picked, we'll meet the team leads, go through the goals and choose which ones to accept.
"""


def _rewrite(text: str, audience: str = "executive", length: str = "standard") -> str:
    return OfflineEngine().rewrite(Request(text, analyze(text), (), audience, length)).text  # type: ignore[arg-type]


@pytest.mark.parametrize("audience", ["executive", "team", "client"])
@pytest.mark.parametrize("length", ["standard", "brief"])
def test_an_address_alone_goes_with_its_lead_in(audience: str, length: str) -> None:
    out = _rewrite(LINKED, audience, length)
    assert f"{ADDRESS}." not in out  # no stop glued to the address
    assert "update:\n" not in out and not out.rstrip().endswith("update:")
    assert f"spring goals update ({ADDRESS}). With that done" in out
    assert not check_facts(LINKED, out).missing


def test_the_address_and_its_lead_in_are_one_item() -> None:
    found = items(LINKED, analyze(LINKED).units)
    linked = [it for it in found if ADDRESS in it.text]
    assert len(linked) == 1 and "I've posted the final spring goals update" in linked[0].text


def test_a_future_main_clause_is_a_plan_not_the_lead() -> None:
    out = _rewrite(PLANNED)
    first = out.split("\n\n")[0]
    assert "we'll meet" not in first
    assert "we've changed a few things" in first
    assert any(b.startswith("Next steps:") and "we'll meet" in b for b in out.split("\n\n"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Once the reviewers are chosen, we'll meet the leads", True),
        ("In 2026, we plan to extend the benchmarks to other machines.", True),
        ("We will ship it", True),
        ("We shipped it, and we'll tell users", False),
        ("You will now get an e-mail three days before a token expires.", False),
        ("We published the report; it will help councils plan.", False),
    ],
)
def test_plans(text: str, expected: bool) -> None:
    from coach.engines.sections import plans  # new with the fix

    assert plans(text) is expected
