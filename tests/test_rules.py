"""Lexicons are data: an organisation's YAML adds tools, banned and preferred terms."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach import Coach, analyze
from coach.errors import ConfigError
from coach.rules import load_rules

ORG = """
categories:
  tool:
    terms: [Larkspur Flow, PatientHub]
banned: [synergise]
preferred:
  go-live: "the date patients can use it"
signals:
  beneficiary: [carers]
"""


def test_default_lexicon_is_broad() -> None:
    rules = load_rules()
    sizes = {c.name: len(c.terms) for c in rules.categories}
    assert sizes["tool"] >= 60 and sizes["ceremony"] >= 40 and sizes["activity"] >= 60
    assert {"tool", "ceremony", "artifact", "activity", "methodology", "effort", "filler"} <= set(
        sizes
    )


def test_org_file_extends_the_default(tmp_path: Path) -> None:
    path = tmp_path / "org.yaml"
    path.write_text(ORG)
    rules = load_rules(str(path))
    a = analyze(
        "Set up PatientHub with Larkspur Flow; synergise the go-live; carers helped.", rules
    )
    got = {(s.text, s.category) for s in a.spans}
    assert ("PatientHub", "tool") in got and ("Larkspur Flow", "tool") in got
    assert ("synergise", "banned") in got and ("go-live", "banned") in got
    go = next(s for s in a.spans if s.text == "go-live")
    assert go.suggestion == "the date patients can use it"
    assert "beneficiary" in a.units[0].signals
    # the default is untouched by the organisation's file
    assert not [s for s in analyze("Set up PatientHub.").spans if s.text == "PatientHub"]


def test_coach_takes_the_org_file(tmp_path: Path) -> None:
    path = tmp_path / "org.yaml"
    path.write_text(ORG)
    c = Coach(home=tmp_path, rules=str(path))
    assert any(s.text == "PatientHub" for s in c.analyze("Configured PatientHub.").spans)


@pytest.mark.parametrize(
    "body",
    ["categories: [a, b]", "banned: {x: 1}", "categories:\n  tool: 3", ": : :\n  - ["],
    ids=["list-categories", "dict-banned", "scalar-category", "bad-yaml"],
)
def test_bad_org_file_is_one_clear_error(tmp_path: Path, body: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(body)
    with pytest.raises(ConfigError) as info:
        load_rules(str(path))
    assert "\n" not in str(info.value).strip() or "YAML" in str(info.value)


def test_missing_org_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Cannot read"):
        load_rules(str(tmp_path / "nope.yaml"))


def test_patterns_are_data_an_org_file_extends(tmp_path: Path) -> None:
    """The analyzer's English patterns live in the rules YAML; an org adds alternatives."""
    from coach.analysis import label_unit

    text = "The Larkspur rota is now in force across the trust."
    assert label_unit(text).label != "outcome"
    path = tmp_path / "org.yaml"
    path.write_text("patterns:\n  outcome:\n    any: ['in force across']\n")
    rules = load_rules(str(path))
    assert len(rules.parts["outcome"]) == len(load_rules().parts["outcome"]) + 1
    assert label_unit(text, rules).label == "outcome"


def test_bad_pattern_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("patterns:\n  outcome:\n    any: ['(unclosed']\n")
    with pytest.raises(ConfigError, match="not a valid regex"):
        load_rules(str(path))


def test_terms_explain_themselves_where_the_category_would_not() -> None:
    a = analyze("Closed 40 tickets and updated the RAID log.")
    why = {s.text: s.explanation for s in a.spans}
    assert "work items" in why["tickets"] and "document" not in why["tickets"]
    assert "document" in why["RAID log"]
