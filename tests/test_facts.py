"""The facts guard finds what a rewrite dropped or invented."""

from __future__ import annotations

from coach.facts import check_facts, extract_facts

SRC = (
    "Held 4 standups. Migrated the board from ZenHub to GitHub Projects on 14 March. "
    "Closed 40 tickets (JIRA-1234, INC0012345) in sprint 14; Priya Shah led it. "
    "Spend £1.2m, 12% under plan, go-live Q3 2026."
)


def kinds(text: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for f in extract_facts(text):
        out.setdefault(f.kind, set()).add(f.text)
    return out


def test_extracts_every_kind() -> None:
    k = kinds(SRC)
    assert {"4", "40"} <= k["number"]
    assert {"JIRA-1234", "INC0012345"} <= k["id"]
    assert {"14 March", "sprint 14", "Q3 2026"} <= k["date"]
    assert k["money"] == {"£1.2m"} and k["percent"] == {"12%"}
    assert {"ZenHub", "GitHub Projects", "Priya Shah"} <= k["name"]
    assert "Held" not in k["name"] and "Migrated" not in k["name"]


def test_identity_is_ok() -> None:
    fc = check_facts(SRC, SRC)
    assert fc.ok and fc.kept == fc.total > 8


def test_changed_number_is_missing_and_added() -> None:
    fc = check_facts(SRC, SRC.replace("40 tickets", "41 tickets"))
    assert fc.missing == ("40",) and fc.added == ("41",)


def test_dropped_name_and_invented_name() -> None:
    fc = check_facts(SRC, SRC.replace("Priya Shah", "the lead") + " Bob Marsh approved it.")
    assert "Priya Shah" in fc.missing and "Bob Marsh" in fc.added


def test_numbers_match_by_value_and_citations_may_add() -> None:
    assert check_facts("Saved 1,200 hours", "1200 hours were saved").ok
    fc = check_facts(
        "Cut waits.", "Cut waits, serving the 18-week target.", allowed=["the 18-week target"]
    )
    assert fc.ok, fc


def test_case_of_names_does_not_matter() -> None:
    assert check_facts("Moved to GitHub.", "We moved to github.").ok
