"""The optional LLM judge against the loopback OpenAI-compatible server (tests/fake_openai.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from coach.errors import ConfigError, ModelError
from coach.evals.judge import DIMENSIONS, Judge

SOURCE = "Held 4 standups and closed 40 tickets in sprint 14."
REWRITE = "Patients can now book online: 40 tickets closed in sprint 14."


def _judge(fake_llm: Any, monkeypatch: pytest.MonkeyPatch) -> Judge:
    monkeypatch.setenv("COACH_JUDGE_MODEL", "judge-model")
    monkeypatch.setenv("COACH_JUDGE_BASE_URL", fake_llm.base_url)
    monkeypatch.setenv("COACH_JUDGE_API_KEY", fake_llm.api_key)
    return Judge()


def test_scores_every_dimension_at_temperature_zero(
    fake_llm: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    judge = _judge(fake_llm, monkeypatch)
    fake_llm.script(
        json.dumps({"score": 4, "reason": "leads with the result"}),
        'Thinking... {"score": 5, "reason": "all facts kept"}',
        json.dumps({"score": 3, "reason": "one long sentence"}),
    )
    out = judge.score(SOURCE, REWRITE, ["Digital by default."])
    assert [out[d].score for d in DIMENSIONS] == [4, 5, 3]
    asked = fake_llm.chat_requests
    assert len(asked) == 3
    assert all(r["model"] == "judge-model" and r.get("temperature") == 0 for r in asked)
    prompt = asked[1]["messages"][-1]["content"]
    assert "Faithfulness" in prompt and "Evaluation steps" in prompt and REWRITE in prompt


def test_pairwise_counts_a_flip_as_a_tie(fake_llm: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    judge = _judge(fake_llm, monkeypatch)
    # Consistent: A wins when first, and still wins (as "B") when the order is swapped.
    fake_llm.script('{"winner": "A"}', '{"winner": "B"}')
    vote = judge.compare(SOURCE, REWRITE, SOURCE, ["impact_framing"])["impact_framing"]
    assert vote.winner == "A" and vote.first == vote.second == "A"
    # Position bias: "A" both times means the verdict flipped with the order.
    fake_llm.script('{"winner": "A"}', '{"winner": "A"}')
    vote = judge.compare(SOURCE, REWRITE, SOURCE, ["clarity"])["clarity"]
    assert vote.winner == "tie" and (vote.first, vote.second) == ("A", "B")
    swapped = fake_llm.chat_requests[-1]["messages"][-1]["content"]
    assert swapped.index(SOURCE, swapped.index("Rewrite A")) < swapped.index("Rewrite B")


def test_bad_judge_answers_are_model_errors(fake_llm: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    judge = _judge(fake_llm, monkeypatch)
    fake_llm.script("I think it is good.")
    with pytest.raises(ModelError, match="JSON"):
        judge.score(SOURCE, REWRITE, dimensions=["clarity"])
    fake_llm.script('{"score": 9}')
    with pytest.raises(ModelError, match="1-5"):
        judge.score(SOURCE, REWRITE, dimensions=["clarity"])
    with pytest.raises(ConfigError, match="Unknown judge dimension"):
        judge.score(SOURCE, REWRITE, dimensions=["vibes"])


def test_judge_without_a_server_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("COACH_JUDGE_BASE_URL", "COACH_JUDGE_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(ConfigError, match="judge needs a model server"):
        Judge()


def test_eval_run_adds_judge_scores_per_item(
    coach: Any, fake_llm: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coach.evals.dataset import Case
    from coach.evals.runner import run, summarize

    _judge(fake_llm, monkeypatch)
    fake_llm.script('{"score": 4, "reason": "a"}', '{"score": 5, "reason": "b"}', "not json")
    case = Case(id="t1", update=SOURCE, facts=("40", "sprint 14"))
    (item,) = run(coach, [case], engine="offline", with_judge=True)
    assert item.get("judge_impact_framing") == 4, item.get("judge_error")
    assert item["judge_faithfulness"] == 5
    assert "JSON" in item["judge_error"] and item["verdict"] in ("pass", "fail")
    assert summarize([item])["means"]["judge_faithfulness"] == 5
