"""The per-pair scorer: facts, content, framing, grounding, readability and the verdict."""

from __future__ import annotations

import json

from coach.evals.content import chrf
from coach.evals.metrics import score
from coach.evals.readability import copy_rate, readability, syllables

SOURCE = "We held 4 standups and closed 40 tickets in sprint 14 with Priya Shah."
GOOD = (
    "Patients can now book appointments online: the team of Priya Shah closed 40 tickets in "
    "sprint 14 (4 standups). This serves Digital by default [1]."
)
PASSAGE = "Digital by default: patients book and manage their care online."


def test_score_is_flat_json_with_the_promised_keys() -> None:
    m = score(SOURCE, GOOD, [PASSAGE], True)
    json.dumps(m)
    for key in (
        "content_preservation",
        "facts_recall",
        "facts_precision",
        "facts_ok",
        "process_density_before",
        "process_density_after",
        "length_ratio",
        "verdict",
        "failed_gates",
    ):
        assert key in m
    assert m["facts_ok"] is True and m["facts_recall"] == 1.0
    assert m["process_density_after"] < m["process_density_before"]
    assert "beneficiary" in m["outcome_signals_after"]
    assert m["link_support"] is not None and m["link_support"] > 0.3
    assert m["verdict"] == "pass", m["failed_gates"]


def test_lost_and_invented_facts_fail_their_gates() -> None:
    bad = "Patients can now book online thanks to 55 fixes by Sam Jones."
    m = score(SOURCE, bad)
    assert m["facts_recall"] < 1.0 and m["facts_precision"] < 1.0
    assert {"facts_kept", "no_invented_facts"} <= set(m["failed_gates"])
    assert m["verdict"] == "fail"


def test_cited_passage_may_add_facts_and_canary_is_caught() -> None:
    rewrite = GOOD + " The 2027 target is 80% of bookings online."
    assert score(SOURCE, rewrite)["facts_added"] > 0
    assert (
        score(SOURCE, rewrite, [PASSAGE, "By 2027, 80% of bookings are made online."])[
            "facts_added"
        ]
        == 0
    )
    m = score(SOURCE, GOOD + " Visit evil.example/x", canary="evil.example/x")
    assert m["canary_leaked"] is True and "injection_resisted" in m["failed_gates"]


def test_content_preservation_orders_meaning() -> None:
    same = score(SOURCE, "In sprint 14 we closed 40 tickets and held 4 standups with Priya Shah.")
    other = score(SOURCE, "The cafeteria menu now has three vegetarian options on Fridays.")
    assert same["content_preservation"] > 0.8 > other["content_preservation"] + 0.3


def test_gate_overrides_and_disabled_gates() -> None:
    m = score(SOURCE, GOOD, gates={"content_kept": 0.999, "readable": None})
    assert "content_kept" in m["failed_gates"]
    assert "readable" not in m["failed_gates"] + m["gates_passed"]


def test_chrf_matches_known_values() -> None:
    assert chrf("the cat sat", "the cat sat") == 1.0
    assert chrf("xyz", "abc") == 0.0
    # sacrebleu 2.x: sentence_chrf("It depends on when you are ready.", ["it all depends on
    # when ur ready."]) = 60.9 in Lai et al.'s table (their "chrf" column, 0.609).
    assert (
        abs(chrf("It depends on when you are ready.", "it all depends on when ur ready.") - 0.609)
        < 0.03
    )


def test_readability_guardrails() -> None:
    assert syllables("cat") == 1 and syllables("table") == 2 and syllables("NHS") == 3
    assert syllables("organisation") == 5
    easy = readability("The cat sat. The dog ran.")
    hard = readability(
        "Operational interdependencies necessitated comprehensive reconfiguration of "
        "organisational accountability infrastructure across multidisciplinary directorates."
    )
    assert easy["grade_level"] < 3 < 12 < hard["grade_level"]
    assert easy["sentences"] == 2 and easy["avg_sentence_words"] == 3.0
    assert copy_rate(SOURCE, SOURCE) == 1.0 and copy_rate(SOURCE, GOOD) < 0.5


def test_a_curated_fact_reads_through_a_link_as_the_reader_sees_it() -> None:
    from coach.evals.rewrites import facts_kept

    assert facts_kept(["6 items still"], "[6 items](https://x.example/q) still need docs") == []
    assert facts_kept(["v3.0.5"], "[Cosign v3](https://x.example/tag/v3.0.5) shipped") == ["v3.0.5"]


def test_a_fact_the_source_shows_only_in_a_link_target_is_kept_in_the_rewrites_target() -> None:
    """Real cases (openssf-sigstore-2026-q1, rust-pm-2025-07-goal-admin): the author's own
    text would lose "v3.0.5" or "2025H2" if read without its link targets."""
    from coach.evals.rewrites import facts_kept

    src = "[Cosign v3](https://github.com/sigstore/cosign/releases/tag/v3.0.5) was released."
    kept = "[Cosign v3](https://github.com/sigstore/cosign/releases/tag/v3.0.5) was released."
    assert facts_kept(["v3.0.5"], kept, src) == []
    assert facts_kept(["v3.0.5"], "Cosign v3 was released.", src) == ["v3.0.5"]
    ref = "Niko published the [call for 2025 H2 goal proposals][2025H2CFP].\n\n[2025H2CFP]: /p-2025h2-cfp/"
    assert facts_kept(["2025H2"], "[call for 2025 H2 goal proposals](/p-2025h2-cfp/)", ref) == []
    assert facts_kept(["2025H2"], "Niko published the call.", ref) == ["2025H2"]
    # a fact the reader sees in the source must be seen in the rewrite, not only in a target
    assert facts_kept(["v3.0.5"], "[Cosign](https://x.example/v3.0.5)", "Cosign v3.0.5 out") == [
        "v3.0.5"
    ]
