"""COACH_REDACT: emails, phone and card numbers never reach the model, and come back in the answer."""

from __future__ import annotations

import json
from pathlib import Path

from coach import Coach
from coach.redact import redact, restore
from tests.fake_openai import FakeOpenAI

EMAIL, PHONE, CARD = "priya.shah@larkspur.example", "+44 20 7946 0958", "4111 1111 1111 1111"
UPDATE = (
    f"Closed 40 tickets in sprint 14. Questions to {EMAIL} or {PHONE}. "
    f"The test card {CARD} was removed from the booking form."
)


def test_redact_and_restore_round_trip() -> None:
    r = redact(UPDATE)
    for secret in (EMAIL, PHONE, CARD):
        assert secret not in r.text
    assert restore(r.text, r.mapping) == UPDATE
    assert "4111 1111 1111 1112" in redact("card 4111 1111 1111 1112").text  # fails Luhn: kept


def test_llm_never_sees_personal_data_and_the_rewrite_has_it_back(
    indexed_home: Path, fake_llm: FakeOpenAI
) -> None:
    coach = Coach(home=indexed_home, engine="llm", redact=True, **fake_llm.settings(cache=False))
    result = coach.rewrite(UPDATE)
    sent = json.dumps(fake_llm.chat_requests)
    assert fake_llm.chat_requests, "the model was asked"
    for secret in (EMAIL, PHONE, CARD):
        assert secret not in sent, f"{secret} reached the model"
    assert result.engine == "llm", result.findings
    for secret in (EMAIL, PHONE, CARD):
        assert secret in result.text, f"{secret} missing from the rewrite"
    assert result.facts.ok, result.facts


def test_without_redaction_the_model_sees_the_text(
    indexed_home: Path, fake_llm: FakeOpenAI
) -> None:
    """The control: the same run with COACH_REDACT off sends the email, so the test above can fail."""
    coach = Coach(home=indexed_home, engine="llm", redact=False, **fake_llm.settings(cache=False))
    coach.rewrite(UPDATE.replace("40 tickets", "41 tickets"))
    sent = json.dumps(fake_llm.chat_requests)
    assert "priya" in sent
