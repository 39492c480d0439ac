"""The LLM engine against a real OpenAI-compatible server on loopback (tests/fake_openai.py),
through the real openai client and ChatOpenAI: every case ends in a guarded rewrite or a
tagged offline fallback, never a silently wrong one and never an exception. The fake is for
the faults a real server cannot produce on demand; tests/test_llm_real.py runs a real one."""

from __future__ import annotations

import json
import re
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from coach import Coach, lc
from coach.errors import ModelAuthError, ModelError
from tests.fake_openai import (
    FakeOpenAI,
    echo_extract,
    empty_choices,
    hang,
    insufficient_quota,
    length,
    malformed_json,
    reset,
    status,
    truncated,
    update_of,
)

UPDATE = (
    "Held 4 standups and migrated the board to GitHub Projects. Closed 40 tickets in Sprint 12, "
    "which cut discharge paperwork time by 15% for ward nurses."
)


def unique(text: str = UPDATE) -> str:
    """Each test its own update, so the shared answer cache never answers for another test."""
    return f"{text} Ref {uuid.uuid4().hex[:6]}."


def make(home: Path, fake: FakeOpenAI, **kw: Any) -> Coach:
    opts = {"timeout": 20.0, "cache": False, **kw}  # generous: the test machine is shared
    return Coach(home=home, engine="llm", **fake.settings(**opts))


def edited(change: Any) -> Any:
    """A reply built from the default extraction, with `change(dict) -> dict` applied."""

    def build(body: dict[str, Any]) -> str:
        return json.dumps(change(json.loads(echo_extract(body))))

    return build


def test_the_model_sorts_and_code_writes_outcome_first(
    indexed_home: Path, fake_llm: FakeOpenAI
) -> None:
    # A clear link to the sample strategy (East Wing, O15), so the passage is earned and cited.
    text = unique(
        "Held 4 standups. East Wing: structural completion reached, within the £212 million "
        "budget, no RIDDOR incidents on site; 40 snags closed."
    )
    result = make(indexed_home, fake_llm).rewrite(text)
    assert result.engine == "llm", result.findings
    assert result.prompt_version == "extract@v2"
    assert result.model == "gpt-4o-mini"
    assert result.text.startswith("What changed: East Wing: structural completion"), result.text
    assert result.facts.ok and "Held 4 standups" in result.text  # activity kept as evidence
    assert result.citations and "[1]" in result.text
    body = fake_llm.chat_requests[-1]
    fmt = body["response_format"]
    assert fmt["type"] == "json_schema"
    schema = fmt["json_schema"]["schema"]["properties"]
    assert schema["activity"]["items"]["enum"][0] == "u1"  # only ids that exist
    assert "" in schema["passage"]["enum"] and "p1" in schema["passage"]["enum"]
    assert (body.get("max_completion_tokens") or body.get("max_tokens")) == 600  # from length
    assert "tools" not in body  # the model gets no tools
    user = body["messages"][1]["content"]
    assert '<unit id="u1">Held 4 standups' in user  # delimited, no datamark
    assert '<passage id="p1">' in user and "^" not in user
    assert update_of(body).startswith("Held 4 standups")
    # what each unit became is reported per source unit, and serialised
    assert result.changes and all(c.source and c.became for c in result.changes)
    assert any("leads the update" in c.became for c in result.changes)
    assert result.to_dict()["changes"][0]["source"] == result.changes[0].source


def test_brief_length_asks_for_fewer_tokens(indexed_home: Path, fake_llm: FakeOpenAI) -> None:
    make(indexed_home, fake_llm).rewrite(unique(), length="brief")
    body = fake_llm.chat_requests[-1]
    assert (body.get("max_completion_tokens") or body.get("max_tokens")) == 400


def test_a_delimiter_inside_the_data_cannot_close_the_tag(
    indexed_home: Path, fake_llm: FakeOpenAI
) -> None:
    make(indexed_home, fake_llm).rewrite(unique(UPDATE + " Notes in </unit> and <b>here</b>."))
    user = fake_llm.chat_requests[-1]["messages"][1]["content"]
    assert "</unit> and" not in user and "‹/unit› and ‹b›here‹/b›" in user


def test_stream_yields_the_lead_then_the_guarded_result(
    indexed_home: Path, fake_llm: FakeOpenAI
) -> None:
    items = list(make(indexed_home, fake_llm).rewrite_stream(unique()))
    tokens, final = items[:-1], items[-1]
    assert tokens and all(isinstance(t, str) for t in tokens)
    assert final.engine == "llm" and final.facts.ok
    assert "".join(tokens).startswith("What changed: Closed 40 tickets")
    assert "{" not in "".join(tokens)  # the page sees text, never the raw JSON
    assert fake_llm.chat_requests[-1]["stream"] is True


def test_truncated_answer_falls_back_with_the_reason(
    indexed_home: Path, fake_llm: FakeOpenAI
) -> None:
    fake_llm.script(length())
    result = make(indexed_home, fake_llm).rewrite(unique())
    assert result.engine == "offline-fallback"
    assert any("max_tokens" in f and "600" in f for f in result.findings), result.findings
    assert len(fake_llm.chat_requests) == 1  # asking again would be cut off again
    assert result.facts.ok


def test_a_rambling_answer_is_stopped_at_the_deadline(
    indexed_home: Path, fake_llm: FakeOpenAI
) -> None:
    """Each chunk arrives quickly (no read timeout fires), but the whole answer is too slow.

    The deadline is wall time from the start of the rewrite, so it also covers building the
    client and the request: a 2 s budget failed twice at load 8 ("silent", not "still
    answering": the deadline had passed before the first word came). The budget is now 8 s
    and the answer about a minute long (300+ chunks, 0.2 s apart): a slow start cannot eat
    the budget, and without the deadline the whole answer would be read (streams_finished 1)."""
    fake_llm.stream_delay = 0.2
    fake_llm.script(lambda body: echo_extract(body) + " and so on" * 100)
    result = make(indexed_home, fake_llm, timeout=8.0).rewrite(unique())
    assert result.engine == "offline-fallback"
    assert any("still answering" in f and "COACH_TIMEOUT" in f for f in result.findings)
    assert fake_llm.streams_finished == 0  # the client stopped reading mid-answer


def test_429_retry_after_is_honoured(indexed_home: Path, fake_llm: FakeOpenAI) -> None:
    fake_llm.script(status(429, retry_after=1))
    started = time.monotonic()
    result = make(indexed_home, fake_llm).rewrite(unique())
    assert result.engine == "llm"
    assert time.monotonic() - started >= 0.95
    assert len(fake_llm.chat_requests) == 2


def test_persistent_500_falls_back_with_one_retry_layer(
    indexed_home: Path, fake_llm: FakeOpenAI
) -> None:
    fake_llm.script(status(500), status(500), status(500), status(500), status(500))
    result = make(indexed_home, fake_llm, max_retries=2).rewrite(unique())
    assert result.engine == "offline-fallback"
    assert any("HTTP 500" in f for f in result.findings)
    assert len(fake_llm.chat_requests) == 3  # 1 + max_retries: retries are not stacked
    assert result.facts.ok


def test_hang_hits_the_interactive_timeout_fast(indexed_home: Path, fake_llm: FakeOpenAI) -> None:
    fake_llm.script(hang(30), hang(30), hang(30))
    result = make(indexed_home, fake_llm, timeout=1.0).rewrite(unique())
    # the server is still silent on the request (it would be for 30 s): the client's own 1 s
    # deadline ended it, and nothing asked again once the budget was gone
    assert fake_llm.hanging == 1
    assert len(fake_llm.chat_requests) == 1
    assert result.engine == "offline-fallback"
    assert any("silent when the" in f and "deadline passed" in f for f in result.findings)


def test_batch_timeout_is_separate(indexed_home: Path, fake_llm: FakeOpenAI) -> None:
    fake_llm.script(hang(1.2))  # closes the connection after 1.2 s; the retry succeeds
    coach = make(indexed_home, fake_llm, timeout=0.6, batch_timeout=10.0)
    assert coach.rewrite(unique(), batch=True).engine == "llm"
    fake_llm.script(hang(1.2))
    assert coach.rewrite(unique()).engine == "offline-fallback"


@pytest.mark.parametrize("fault", [malformed_json, truncated, empty_choices, reset])
def test_broken_http_answers_are_retried(
    indexed_home: Path, fake_llm: FakeOpenAI, fault: Any
) -> None:
    fake_llm.script(fault)
    result = make(indexed_home, fake_llm).rewrite(unique())
    assert result.engine == "llm"
    assert len(fake_llm.chat_requests) == 2


def test_unparseable_model_json_gets_a_hotter_repair_then_falls_back(
    indexed_home: Path, fake_llm: FakeOpenAI
) -> None:
    fake_llm.script('{"outcomes": half', "Sure! Here is the rewrite, no JSON.")
    result = make(indexed_home, fake_llm).rewrite(unique())
    assert result.engine == "offline-fallback"
    assert any("JSON" in f and "after one repair" in f for f in result.findings), result.findings
    assert len(fake_llm.chat_requests) == 2
    first, second = fake_llm.chat_requests
    repair = second["messages"][-1]["content"]
    assert "could not be used" in repair and '"{"outcomes": half"' in repair  # quoted
    assert second["temperature"] != first.get("temperature") and second["seed"] == 7


def test_a_useless_answer_is_repaired(indexed_home: Path, fake_llm: FakeOpenAI) -> None:
    nothing = '{"outcomes": [], "activity": ["u99"], "risks": [], "asks": [], "passage": ""}'
    fake_llm.script(nothing)
    result = make(indexed_home, fake_llm).rewrite(unique())
    assert result.engine == "llm", result.findings
    assert any("repaired answer could" in f for f in result.findings)
    assert "u99" in fake_llm.chat_requests[-1]["messages"][-1]["content"]  # named in the repair


def test_a_unit_the_model_leaves_out_keeps_its_facts(
    indexed_home: Path, fake_llm: FakeOpenAI
) -> None:
    drop = edited(lambda d: {**d, "activity": [], "outcomes": d["outcomes"]})
    fake_llm.script(drop)
    result = make(indexed_home, fake_llm).rewrite(unique())
    assert result.engine == "llm" and result.facts.ok
    assert "Held 4 standups" in result.text
    assert any("did not place" in c.became for c in result.changes)


def test_an_invented_beneficiary_is_not_shown(indexed_home: Path, fake_llm: FakeOpenAI) -> None:
    invent = edited(
        lambda d: {
            **d,
            "outcomes": [{"unit": o["unit"], "for": "Bob Marsh"} for o in d["outcomes"]],
        }
    )
    fake_llm.script(invent)
    result = make(indexed_home, fake_llm).rewrite(unique())
    assert result.engine == "llm" and result.facts.ok
    assert "Bob Marsh" not in result.text + " ".join(c.became for c in result.changes)


def test_a_passage_outside_the_retrieved_set_is_not_cited(
    indexed_home: Path, fake_llm: FakeOpenAI
) -> None:
    with FakeOpenAI(supports_json_schema=False, supports_tools=False) as fake:  # no grammar
        bad = edited(lambda d: {**d, "passage": "p9"})
        fake.script(bad, bad, bad)  # the first two are refused (no json_schema, no tools)
        result = make(indexed_home, fake).rewrite(unique())
    assert result.engine == "llm"
    assert "[1]" not in result.text and "Why it matters" not in result.text
    assert any("strategic goal" in q for q in result.questions)


def test_obeying_an_injected_instruction_is_caught(
    indexed_home: Path, fake_llm: FakeOpenAI
) -> None:
    def leak(body: dict[str, Any]) -> str:
        canary = re.search(r"CANARY-[0-9a-f]+", body["messages"][1]["content"]).group(0)  # type: ignore[union-attr]
        return edited(lambda d: {**d, "outcomes": [{"unit": "u1", "for": canary}]})(body)

    fake_llm.script(leak, leak)
    result = make(indexed_home, fake_llm).rewrite(unique())
    assert result.engine == "offline-fallback"
    assert any("steered" in f for f in result.findings), result.findings
    assert "CANARY" not in result.text


def test_uncited_strategy_text_cannot_pass_the_guard() -> None:
    from coach.guard import guard

    src = "Closed 40 tickets in Sprint 12."
    passages = {"p1": "Our vision: net zero carbon across every Welsh county by 2030."}
    out = src + " Our vision is net zero carbon across every Welsh county."
    report = guard(src, out, passages=passages, cited=[])
    assert not report.ok and "supports" in " ".join(report.violations)
    assert guard(src, out + " [p1]", passages=passages, cited=["p1"]).ok


@pytest.mark.parametrize("fault", [status(401), insufficient_quota])
def test_auth_and_quota_are_fatal_without_retries(
    indexed_home: Path, fake_llm: FakeOpenAI, fault: Any
) -> None:
    fake_llm.script(fault, fault, fault)
    with pytest.raises(ModelAuthError) as info:
        make(indexed_home, fake_llm).rewrite(unique())
    assert "OPENAI_API_KEY" in str(info.value) or "quota" in str(info.value)
    assert len(fake_llm.chat_requests) == 1


def test_servers_without_json_schema_fall_back_to_tools_then_json_mode(
    indexed_home: Path,
) -> None:
    with FakeOpenAI(supports_json_schema=False) as fake:
        coach = make(indexed_home, fake)
        assert coach.rewrite(unique()).engine == "llm"
        assert "tools" in fake.chat_requests[-1]
        fake.supports_tools = False
        fake.clear()
        result = coach.rewrite(unique())
        assert result.engine == "llm"
        assert fake.chat_requests[-1]["response_format"] == {"type": "json_object"}
        assert any("refused function_calling; used json_mode" in f for f in result.findings)


def test_identical_requests_are_served_from_the_cache(
    indexed_home: Path, fake_llm: FakeOpenAI
) -> None:
    coach = make(indexed_home, fake_llm, cache=True)
    text = unique()
    first = coach.rewrite(text)
    second = coach.rewrite(text)
    assert len(fake_llm.chat_requests) == 1
    assert second.text == first.text and second.engine == "llm"
    assert any("cache" in f for f in second.findings)
    coach.rewrite(text, audience="team")  # a different request is not a cache hit
    assert len(fake_llm.chat_requests) == 2


def test_coach_composes_as_a_langchain_runnable(indexed_home: Path, fake_llm: FakeOpenAI) -> None:
    chain = make(indexed_home, fake_llm).as_runnable(audience="team") | (lambda r: r.text)
    text = unique()
    assert chain.invoke(text).startswith("What changed:")
    out = chain.batch([{"text": unique()}, unique()])
    assert len(out) == 2 and all("40" in o for o in out)


def test_stream_cut_mid_way_is_retried_and_still_guarded(
    indexed_home: Path, fake_llm: FakeOpenAI
) -> None:
    fake_llm.script(truncated)  # the SSE stream stops half-way, without [DONE]
    items = list(make(indexed_home, fake_llm).rewrite_stream(unique()))
    assert items[-1].engine == "llm" and items[-1].facts.ok, items[-1].findings
    assert len(fake_llm.chat_requests) == 2


def test_retry_after_longer_than_the_budget_gives_up_at_once(
    indexed_home: Path, fake_llm: FakeOpenAI
) -> None:
    fake_llm.script(status(429, retry_after=30))
    result = make(indexed_home, fake_llm, timeout=2.0).rewrite(unique())
    assert result.engine == "offline-fallback"
    assert len(fake_llm.chat_requests) == 1  # no second request
    assert any("429" in f and "time budget" in f for f in result.findings)
    # the same ask with its sleep recorded: the 30 s wait is refused before anything sleeps
    fake_llm.script(status(429, retry_after=30))
    slept: list[float] = []
    model = lc.chat_model(make(indexed_home, fake_llm).settings)
    with pytest.raises(ModelError, match="time budget"):
        lc.ask(model, lc.messages("s", "u"), {"type": "object"}, timeout=2.0, sleep=slept.append)
    assert slept == []
