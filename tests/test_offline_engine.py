"""The offline coach keeps every fact, puts outcomes first, asks instead of inventing, never
garbles, and changes visibly with the audience and the length."""

from __future__ import annotations

import json
import re

import pytest

from coach import Coach
from coach.analysis import analyze
from coach.engines.base import AUDIENCES, LENGTHS, Request
from coach.engines.offline import PROMPT_VERSION, OfflineEngine
from coach.facts import check_facts
from coach.types import Citation
from tests.conftest import ROOT

PROCESS = (
    "Held 4 standups and a retro. Migrated the board from ZenHub to GitHub Projects. "
    "Updated the RAID log. Closed 40 tickets (JIRA-1234) in sprint 14."
)
MIXED = (
    "- Attended the weekly sync\n- Configured the new online booking form with the Epic team\n"
    "- Migrated the booking service to Kubernetes, which cut page load time from 4 s to 1 s for patients\n"
    "- Next week: start the pilot with Dr Amara Okafor's clinic\n"
)
FULL = """Hi all, quick one from me this week.

## Done
- Fixed a couple of bugs in PR #575.
- Migrated the booking service to Kubernetes, which cut page load time from 4 s to 1 s for patients.
- Held 3 workshops with the Epic team.
- Attended the weekly sync

## Risks
- The vendor contract expires on 14 March and renewal is blocked on legal review.

## Coming up
- Start the pilot with Dr Amara Okafor's clinic.
- Write the handover notes.

Thanks everyone!
"""
CITE = Citation(
    id="c1",
    source="strategy.md",
    text="Cut waiting times for patients.",
    score=0.8,
    title="Strategy 2026",
    section="Patients > Waiting times",
    pillar="Waiting times",
)
ALLOWED = {"executive", "team", "client"}
HOWS = {"kept", "moved", "condensed", "folded", "set aside"}


def draft(text: str, citations: tuple[Citation, ...] = (), **kw: str):  # type: ignore[no-untyped-def]
    return OfflineEngine().rewrite(Request(text, analyze(text), citations, **kw))  # type: ignore[arg-type]


def test_process_only_update_asks_for_the_outcome_and_says_no_placeholder(coach: Coach) -> None:
    r = coach.rewrite(PROCESS)
    assert r.facts.ok, r.facts
    assert "not stated" not in r.text and "Questions for you" not in r.text
    assert r.questions and "What changed" in r.questions[0]
    # "Closed 40 tickets" serves no strategy passage clearly: nothing is cited (docs/grounding.md)
    assert "[1]" not in r.text and not r.citations and r.suggestion is not None
    assert any("goal" in q for q in r.questions)
    # The activity is folded into one line of evidence, every unit whole.
    assert (
        "Held 4 standups and a retro; migrated the board from ZenHub to GitHub Projects" in r.text
    )


def test_outcome_comes_first_whole_and_routine_is_set_aside() -> None:
    d = draft(MIXED, (CITE,))
    assert d.text.startswith(
        "What changed: Migrated the booking service to Kubernetes, which cut page load time "
        "from 4 s to 1 s for patients."
    )
    assert "weekly sync" not in d.text  # routine with no fact: set aside, not summarised
    assert "usual team routines" not in d.text  # nothing invented in its place
    assert 'Why it matters: This work serves "Waiting times" (Strategy 2026) [1].' in d.text
    assert d.cited == ("c1",)
    assert check_facts(MIXED, d.text, [CITE.context]).ok


def test_no_earned_citation_no_strategy_line_and_one_goal_question() -> None:
    d = draft(MIXED)
    assert "Why it matters" not in d.text and "[1]" not in d.text
    goal = [q for q in d.questions if "goal" in q]
    assert len(goal) == 1


def test_sections_greetings_thanks_plans_and_risks() -> None:
    d = draft(FULL, (CITE,), audience="team")
    assert "Hi all" not in d.text and "Thanks everyone" not in d.text
    assert "quick one" not in d.text
    outcome = d.text.split("\n\n", 1)[0]
    assert outcome.startswith("What changed: Migrated the booking service")
    assert re.search(r"Next steps:\n- Start the pilot with Dr Amara Okafor's clinic\.", d.text)
    assert "Risks and asks: The vendor contract expires on 14 March" in d.text
    assert d.text.index("What we did") < d.text.index("Next steps") < d.text.index("Risks")
    assert check_facts(FULL, d.text, [CITE.context]).ok


def test_a_verb_is_never_cut_from_its_sentence() -> None:
    for audience in AUDIENCES:
        for length in LENGTHS:
            d = draft(FULL, audience=audience, length=length)
            assert re.search(r"(?i)fixed a couple of bugs in PR #575", d.text), (audience, length)


def test_audience_and_length_change_the_text_visibly() -> None:
    texts = {
        (a, n): draft(FULL, (CITE,), audience=a, length=n).text for a in AUDIENCES for n in LENGTHS
    }
    standard = {a: texts[(a, "standard")] for a in AUDIENCES}
    assert len(set(standard.values())) == 3, standard
    assert "What we did:\n- " in standard["team"]  # team: activity as a list
    assert "Supporting work: " in standard["executive"]  # executive: folded, last
    assert standard["executive"].index("Risks") < standard["executive"].index("Next steps")
    assert standard["client"].index("Next steps") < standard["client"].index("Risks")
    assert "Attended the weekly sync" in standard["team"]
    assert "weekly sync" not in standard["executive"]
    for a in AUDIENCES:
        brief = texts[(a, "brief")]
        assert len(brief) < len(standard[a])
        assert "Write the handover notes" not in brief  # no fact, no result, no ask: gone
        assert check_facts(FULL, brief, [CITE.context]).ok  # but every fact is still there


def test_questions_are_few_unique_real_questions_without_fragment_anchors() -> None:
    for text in (PROCESS, MIXED, FULL):
        for length in LENGTHS:
            qs = draft(text, length=length).questions
            assert len(qs) <= 3 and len(set(qs)) == len(qs)
            assert all(q.endswith("?") or q.endswith("best.") for q in qs), qs
            assert not any(q.startswith("About ") for q in qs)


def test_no_question_asks_for_an_outcome_the_update_states() -> None:
    qs = draft(MIXED, (CITE,)).questions
    assert not any(q.startswith("What changed for users") for q in qs)


def test_changes_cover_every_unit() -> None:
    d = draft(FULL, (CITE,))
    assert {c.how for c in d.changes} <= HOWS
    sources = " ".join(c.source for c in d.changes)
    for unit in analyze(FULL).units:
        words = re.findall(r"[A-Za-z]{4,}", unit.text)[:3]
        assert all(w in sources for w in words), unit.text
    aside = {c.source for c in d.changes if c.how == "set aside"}
    assert any("Hi all" in s for s in aside) and any("Thanks everyone" in s for s in aside)
    assert all(c.became for c in d.changes if c.how != "set aside")
    moved = [c for c in d.changes if "Kubernetes" in c.source]
    assert moved and moved[0].how == "moved"  # outcome pulled ahead of the fix before it


def test_text_is_reader_text_only(coach: Coach) -> None:
    r = coach.rewrite(FULL)
    assert "Questions for you" not in r.text and "not stated" not in r.text
    assert r.changes and r.questions


def test_deterministic_and_versioned_by_content() -> None:
    assert draft(FULL).text == draft(FULL).text
    assert re.fullmatch(r"offline-[0-9a-f]{10}", PROMPT_VERSION)
    assert draft(FULL).prompt_version == PROMPT_VERSION


# Real units from the dev set (rust-lang MIT/Apache-2.0, ossf Apache-2.0, nrw-digital MIT):
# each once garbled or leaked markup in the old offline rewrite.
REAL = [
    "On [Friday, 28 January][jan-28-mtg], we will be having a meeting to\ndiscuss the  backlog "
    "of P-high issues (there are currently [86 such issues][p-high-issue-list]).\n\n"
    "[jan-28-mtg]: https://github.com/rust-lang/compiler-team/issues/479\n"
    "[p-high-issue-list]: https://github.com/rust-lang/rust/issues?q=label%3AP-high\n",
    "We reflected, recorded, then shared with the group things about ourselves like: \n"
    "*\tour ideal way to learn\n*\thow we like to receive feedback\n*\twhat we need\n",
    "- [Project Idea - CVD Guide for OSS Consumers](https://github.com/ossf/wg-vulnerability-"
    "disclosures/issues/115) > effort is stagnating and needs to be revived\n",
    "The feature is enabled and posts a comment, containing a link to the comparison.[^rd]\n\n"
    "[^rd]: See the docs on the [Forge](https://forge.rust-lang.org/triagebot/range-diff.html).\n",
    "<p>Stable support for async closures <strong>landed</strong> on nightly&nbsp;on Dec 12.</p>",
    "* Created **Node.js Web Infra Incident Response Plan**: [nodejs/web-team#44]"
    "(https://github.com/nodejs/web-team/pull/44)\n* Added `SECURITY.md` to core Node.js websites\n",
]
MARKUP = re.compile(r"(?m)<[a-z/][^>]*>|&#?\w+;|^\s*>|\]\[|\[\^|\*\*|\t|(?<=\S) > ")


@pytest.mark.parametrize("text", REAL)
def test_real_units_come_out_clean(text: str) -> None:
    for audience in AUDIENCES:
        for length in LENGTHS:
            d = draft(text, audience=audience, length=length)
            assert not MARKUP.search(d.text), d.text
            assert not re.search(r"[.!?;:,]\s*[.!?;:]|\s[,;:.]", d.text.replace("...", "")), d.text
            facts = check_facts(text, d.text)
            assert not facts.added, facts


def test_real_wrapped_sentence_is_one_sentence() -> None:
    d = draft(REAL[0], audience="team")
    assert "meeting to discuss the backlog of P-high issues" in d.text
    assert "[86 such issues](https://github.com/rust-lang/rust/issues?q=label%3AP-high)" in d.text


def _cases() -> list[dict]:
    path = ROOT / "eval" / "cases.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@pytest.mark.slow
def test_keeps_every_fact_and_cuts_process_talk_on_the_eval_cases(coach: Coach) -> None:
    """One pass over the 138 cases (rewrites are the slow part): facts kept, and process share
    falls while content stays close to the input."""
    cases = _cases()
    if not cases:
        pytest.skip("eval/cases.jsonl not written yet")
    from eval.measure_rewrite import measure

    summary, rows = measure(coach, cases)
    failures = [(r["id"], r["text"][:200]) for r in rows if not r["facts_ok"]]
    assert not failures, failures[:5]
    assert summary["process_density_out"] < summary["process_density_in"], summary
    assert summary["content_cosine_mean"] >= 0.78, summary


def test_link_line_drops_list_numbering_of_the_section() -> None:
    cite = Citation(
        id="c2",
        source="plan.md",
        text="Use theatre capacity better.",
        score=0.8,
        title="Recovery Plan",
        section="Plan > 3. Using capacity better",
        pillar="Capacity",
    )
    d = draft(MIXED, (cite,))
    assert 'This work serves "Using capacity better" (Recovery Plan) [1].' in d.text
    assert not check_facts(MIXED, d.text, [cite.context]).added


# Shaped like a real funder report (ao-jquery-2023-03): the author's first outcome is a side
# effect; the one with a before-and-after figure comes last.
SIDE_FIRST = """\
The new server setup uses Puppet instead of a multisite instance. This reduces the service's
complexity.

The documentation sites were moved to new staging servers this month.

Pruning of backups for decommissioned servers has decreased Tarsnap annual costs from $223 to $94.
"""


def test_the_strongest_outcome_leads_not_the_first() -> None:
    d = draft(SIDE_FIRST)
    assert d.text.startswith("What changed: Pruning of backups"), d.text
    assert check_facts(SIDE_FIRST, d.text).ok


# A lead-in whose list the author gave as separate paragraphs (rust-goals-2024-12-*): folded
# with semicolons it read "Supporting work: Over the last six months, we; we also began ...".
LEAD_IN = """\
Over the last six months, we...

Began work on compiler flag stabilization with RFC 3716.

Reviewed the target ABI scheme with the compiler team.
"""


def test_a_lead_in_without_its_list_is_never_a_dangling_clause() -> None:
    from coach.evals.garble import find_garbles

    for audience in AUDIENCES:
        d = draft(LEAD_IN, audience=audience)
        assert not find_garbles(d.text, LEAD_IN), (audience, d.text)
        assert "RFC 3716" in d.text


def test_a_heading_fact_only_in_a_link_target_goes_to_the_context_line() -> None:
    # openssf-sigstore-2025-q2-model-signing: "1.0" was only in the URL of a kept sentence.
    text = (
        "## Model Signing 1.0 release\n\nThe model-signing project had its [first major "
        "release](https://blog.example.org/model-transparency-v1.0/), with Nvidia.\n"
    )
    d = draft(text)
    assert "Model Signing 1.0 release" in d.text, d.text


def test_a_thank_you_that_names_people_by_handle_stays() -> None:
    text = (
        "Migrated the stats webapp to the new host.\n\n"
        "Thanks to my mentor antarus, robbat2, and the rest of the infra team for helping out.\n"
    )
    assert "antarus, robbat2" in draft(text).text
    assert "Thanks all" not in draft("Migrated the stats webapp.\n\nThanks all!\n").text


def test_a_version_number_is_not_a_measure_so_the_size_is_asked() -> None:
    # rust-compiler-steering-2022-01 / ao-airflow-2024-10: "Airflow 3" is no measure of change.
    text = "We decided to replace the connexion library with FastAPI for the Airflow 3 release.\n"
    d = draft(text)
    assert any("How much did it change" in q for q in d.questions), d.questions


def test_a_none_reply_is_no_risk_and_a_project_name_is_no_risks_heading() -> None:
    # openssf TAC reports: "### Questions/Issues for the TAC" / "None at this time.";
    # ao-jquery-2023-03: "## Ecosystem Risk Audit" is a project, not a risks section.
    text = (
        "## Ecosystem Risk Audit\n\nWorkshops held with IDC to finalise 500 target respondents.\n\n"
        "### Questions/Issues for the TAC\n\nNone at this time.\n\n"
        "### Risks\n\nThe vendor contract expires on 14 March.\n"
    )
    d = draft(text)
    risks = next(b for b in d.text.split("\n\n") if b.startswith("Risks and asks:"))
    assert "None at this time" not in d.text
    assert "Workshops held with IDC" not in risks and "Workshops held with IDC" in d.text
    assert "The vendor contract expires on 14 March." in risks


# A sentence about the post itself frames the update and states no result: it never leads.
ABOUT_ITSELF = """\
Our third post in this series covers the £2m budget the board approved in May, up 10%.

Mia Lund was elected treasurer.
"""


def test_a_sentence_about_the_post_itself_never_leads() -> None:
    d = draft(ABOUT_ITSELF)
    assert d.text.startswith("What changed: Mia Lund was elected"), d.text
    assert check_facts(ABOUT_ITSELF, d.text).ok


# A lead-in whose list holds the result further down: the result's bullet leads the list.
HIGHLIGHTS = """\
The main points from the March meeting, which twelve members attended, were:

- It was Dana's first meeting as treasurer, replacing Ola Brenn.
- The team reviewed the roadmap for the second half of the year.
- The board approved the 2027 budget of $1.2m.
"""


def test_the_result_bullet_of_a_lead_in_leads_its_list() -> None:
    d = draft(HIGHLIGHTS)
    first = d.text.split("\n")[0]
    assert first.index("The board approved") < first.index("Dana"), d.text
    assert check_facts(HIGHLIGHTS, d.text).ok


# A lead-in line the segmenter reads as a heading: its bullets are separate outcome items, and
# which leads is the lead ranker's choice (coach/engines/lead.py, learned); either way both
# stay whole under "What changed", one after the other.
APPROVED = """\
The following items have been approved:

- Raised the travel grant limit to $90k for members.
- Allocated an additional $120k to the mentoring programme.
"""


def test_separate_result_bullets_both_stay_whole_under_what_changed() -> None:
    d = draft(APPROVED)
    first = d.text.split("\n\n")[0]
    assert first.startswith("What changed: "), d.text
    assert "Raised the travel grant limit to $90k for members." in first, d.text
    assert "Allocated an additional $120k to the mentoring programme." in first, d.text


# A result after the activity it came from, in one paragraph: the result leads, the activity
# follows it whole; a result that leans on the sentence before ("This cut ...") never moves.
CAUSE_FIRST = """\
- Ana and Tom met to review the queue of unanswered emails. Response times for residents fell from 5 days to 2 days over the month.
"""


def test_a_result_that_follows_its_cause_leads_with_the_cause_after_it() -> None:
    d = draft(CAUSE_FIRST)
    assert d.text.startswith("What changed: Response times for residents fell"), d.text
    assert "Ana and Tom met" in d.text
    assert check_facts(CAUSE_FIRST, d.text).ok
    leaning = CAUSE_FIRST.replace("Response times for", "This cut response times for")
    assert draft(leaning).text.startswith("What changed: Ana and Tom met"), draft(leaning).text
    pointing = CAUSE_FIRST.replace(
        "Response times for residents", "Response times for these residents"
    )
    assert draft(pointing).text.startswith("What changed: Ana and Tom met"), draft(pointing).text


# The result bullet's own result sentence leads it when the bullet opens on activity.
HIGHLIGHTS_2 = HIGHLIGHTS.replace(
    "- The board approved", "- The treasurer presented the 2027 plan to members. The board approved"
)


def test_the_result_bullet_opens_on_its_result_sentence() -> None:
    d = draft(HIGHLIGHTS_2)
    first = d.text.split("\n")[0]
    assert first.index("The board approved") < first.index("The treasurer presented"), d.text
    assert first.index("The treasurer presented") < first.index("Dana"), d.text
    assert check_facts(HIGHLIGHTS_2, d.text).ok
