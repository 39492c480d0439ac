"""LangChain and the openai client: the only module that imports them.

Gives coach's MiniLM as a LangChain `Embeddings`, builds the chat model from settings, asks it
for structured output (json_schema, else function calling, else JSON mode, else plain text),
and owns coach's ONE retry layer: the openai client's own retries are off (max_retries=0),
because it retries `insufficient_quota` too and cannot share one deadline across attempts.
Every answer is streamed, even when nobody watches, so the deadline covers the WHOLE answer
(a read timeout alone restarts on every token, and a rambling CPU model never trips it), and
`max_tokens` bounds it. A truncated answer (finish_reason "length", which the openai client
raises as LengthFinishReasonError, an OpenAIError that is not an APIError) and every other
openai exception become a ModelError whose message is the reason.
Token counts are estimated by a heuristic: tiktoken downloads its tables at run time.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import openai
from langchain_core.embeddings import Embeddings
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.runnables import RunnableLambda
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from coach.embeddings import get_embedder
from coach.errors import ConfigError, InputError, ModelAuthError, ModelError
from coach.settings import Settings

MODES = ("json_schema", "function_calling", "json_mode", "plain")
TOOL_NAME = "submit_rewrite"
MAX_RETRY_AFTER = 60.0
log = logging.getLogger("coach.lc")


class _Final(Exception):
    """An answer that asking again will not fix (truncated at max_tokens, out of time)."""

    def __init__(self, error: ModelError) -> None:
        super().__init__(error.message)
        self.error = error


class CoachEmbeddings(Embeddings):
    """all-MiniLM-L6-v2 (torch-free) for LangChain vector stores and chains."""

    def __init__(self, cache_dir: str | None = None) -> None:
        self.cache_dir = cache_dir

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return get_embedder(self.cache_dir).embed(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return get_embedder(self.cache_dir).embed_one(text).tolist()


def estimate_tokens(text: str) -> int:
    """About four characters per token: good enough for budgets, and needs no download."""
    return max(1, len(text) // 4)


def chat_model(settings: Settings, timeout: float | None = None, **kwargs: Any) -> ChatOpenAI:
    """A ChatOpenAI for any OpenAI-compatible server; retries are coach's (see `ask`)."""
    if not settings.llm_configured:
        raise ConfigError("No model server configured: set OPENAI_API_KEY or OPENAI_BASE_URL.")
    return ChatOpenAI(
        model=settings.model,
        api_key=SecretStr(settings.openai_api_key or "not-needed"),  # local servers take any
        base_url=settings.openai_base_url,
        timeout=timeout or settings.timeout,
        max_retries=0,
        temperature=settings.temperature,
        **kwargs,
    )


def messages(system: str, user: str, *turns: tuple[str, str]) -> list[BaseMessage]:
    """System + user, then (role, text) turns: ("ai", ...) and ("user", ...) for a repair."""
    out: list[BaseMessage] = [SystemMessage(content=system), HumanMessage(content=user)]
    for role, text in turns:
        out.append(AIMessage(content=text) if role == "ai" else HumanMessage(content=text))
    return out


def _bind(
    model: ChatOpenAI,
    mode: str,
    schema: dict[str, Any],
    timeout: float,
    extra: dict[str, Any] | None = None,
) -> Any:
    """The model bound to one structured-output mode, with this call's timeout and options
    (max_tokens, temperature, seed)."""
    opts = {"timeout": timeout, **(extra or {})}
    if mode == "json_schema":
        fmt = {"type": "json_schema", "json_schema": {"name": TOOL_NAME, "schema": schema}}
        return model.bind(response_format=fmt, **opts)
    if mode == "function_calling":
        tool = {
            "type": "function",
            "function": {
                "name": TOOL_NAME,
                "description": "Submit the rewrite.",
                "parameters": schema,
            },
        }
        return model.bind_tools([tool], tool_choice=TOOL_NAME).bind(**opts)
    if mode == "json_mode":
        return model.bind(response_format={"type": "json_object"}, **opts)
    return model.bind(**opts)


def _raw_text(message: Any) -> str:
    """The answer as text: tool-call arguments when the model called the tool, else content."""
    calls = getattr(message, "tool_calls", None) or []
    if calls:
        return json.dumps(calls[0].get("args", {}))
    bad = getattr(message, "invalid_tool_calls", None) or []
    if bad:
        return str(bad[0].get("args") or "")
    content = getattr(message, "content", "")
    if isinstance(content, list):
        return "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
    return str(content or "")


def _once(
    bound: Any,
    msgs: list[BaseMessage],
    on_chunk: Callable[[str], None] | None,
    deadline: float,
    budget: float,
) -> tuple[str, dict[str, int]]:
    """One streamed answer: (text, usage). Stops at the deadline, whatever the server does."""
    parts: list[str] = []
    usage: dict[str, int] = {}
    finish = ""
    stream = bound.stream(msgs)
    try:
        for chunk in stream:
            piece = "".join(str(c.get("args") or "") for c in chunk.tool_call_chunks)
            if not piece and isinstance(chunk.content, str):
                piece = chunk.content
            if piece:
                parts.append(piece)
                if on_chunk:
                    on_chunk(piece)
            finish = str(chunk.response_metadata.get("finish_reason") or finish)
            if chunk.usage_metadata:
                usage = {
                    "prompt_tokens": int(chunk.usage_metadata.get("input_tokens", 0)),
                    "completion_tokens": int(chunk.usage_metadata.get("output_tokens", 0)),
                }
            if time.monotonic() > deadline:
                raise _Final(_late(budget, len(parts)))
    finally:
        close = getattr(stream, "close", None)
        if close:  # closing the stream drops the connection: the server stops generating
            close()
    if finish == "length":
        raise _Final(_truncated(bound))
    return "".join(parts), usage


def _late(budget: float, pieces: int) -> ModelError:
    where = "still answering" if pieces else "silent"
    return ModelError(
        f"The model did not answer in time: it was {where} when the {budget:g} s deadline "
        "passed (COACH_TIMEOUT, or COACH_BATCH_TIMEOUT in a batch; a CPU model needs 60-180 s: "
        "raise it, or use a smaller model)."
    )


def _truncated(bound: Any) -> ModelError:
    limit = (getattr(bound, "kwargs", None) or {}).get("max_tokens")
    cap = f" ({limit} tokens)" if limit else ""
    return ModelError(
        f"The model's answer was cut off at its max_tokens limit{cap} before it was complete."
    )


@dataclass
class Answer:
    """What the model said, and how it was obtained."""

    text: str
    mode: str
    attempts: int
    usage: dict[str, int] | None = None  # prompt_tokens / completion_tokens when reported
    refused: tuple[str, ...] = ()  # structured-output modes the server refused (step-downs)


def _retry_after(exc: Any) -> float | None:
    headers = getattr(getattr(exc, "response", None), "headers", None) or {}
    try:
        if headers.get("retry-after-ms"):
            return float(headers["retry-after-ms"]) / 1000
        if headers.get("retry-after"):
            return float(headers["retry-after"])
    except ValueError:
        return None
    return None


def _status(exc: Any) -> int | None:
    code = getattr(exc, "status_code", None)
    if code is None:
        code = getattr(getattr(exc, "response", None), "status_code", None)
    return int(code) if isinstance(code, int) else None


def _body(exc: Any) -> str:
    return str(getattr(exc, "body", None) or exc)[:500]


def classify(exc: BaseException) -> tuple[str, ModelError]:
    """(action, error): action is "fatal", "downgrade" (structured mode refused) or "retry"."""
    status = _status(exc)
    if isinstance(exc, openai.AuthenticationError) or status in (401, 403):
        return "fatal", ModelAuthError(
            f"The model server rejected the API key ({status}): check OPENAI_API_KEY.",
            status,
            _body(exc),
        )
    if status == 429 and "insufficient_quota" in str(getattr(exc, "body", "")) + str(exc):
        return "fatal", ModelAuthError(
            "The model account has no quota left (insufficient_quota): add credit or use "
            "another key.",
            429,
            _body(exc),
        )
    if status == 429:
        return "retry", ModelError("The model server kept answering 429 (rate limited).", 429)
    if status == 404:
        return "fatal", ModelError(
            "The model server does not know this model (404): check COACH_MODEL.", 404, _body(exc)
        )
    if status in (400, 422):
        return "downgrade", ModelError(
            f"The model server refused the request ({status}).", status, _body(exc)
        )
    if status is not None:
        return "retry", ModelError(f"The model server answered HTTP {status}.", status, _body(exc))
    if isinstance(exc, openai.APITimeoutError):
        return "retry", ModelError("The model server did not answer in time.")
    if isinstance(exc, openai.APIConnectionError):
        return "retry", ModelError("Cannot reach the model server (connection failed or reset).")
    if isinstance(exc, openai.OpenAIError) and not isinstance(exc, openai.APIError):
        # e.g. ContentFilterFinishReasonError: the same request gets the same refusal.
        return "fatal", ModelError(f"The model refused or could not finish the answer ({exc}).")
    return "retry", ModelError(
        f"The model server sent an unreadable answer ({type(exc).__name__}: {exc})."
    )


def ask(
    model: ChatOpenAI,
    msgs: list[BaseMessage],
    schema: dict[str, Any],
    *,
    mode: str = "json_schema",
    timeout: float = 30.0,
    retries: int = 2,
    on_chunk: Callable[[str], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    max_tokens: int | None = None,
    temperature: float | None = None,
    seed: int | None = None,
) -> Answer:
    """Ask once per attempt within ONE deadline (`timeout` seconds in all, covering the whole
    streamed answer), honouring Retry-After; step down the structured-output modes when the
    server refuses one. A truncated or late answer is final: asking again would repeat it."""
    deadline = time.monotonic() + timeout
    modes = list(MODES[MODES.index(mode) :])
    refused: list[str] = []
    extra: dict[str, Any] = {}
    if max_tokens:
        extra["max_tokens"] = max_tokens
    if temperature is not None:
        extra["temperature"] = temperature
    if seed is not None:
        extra["seed"] = seed
    attempt = failures = 0
    last: ModelError = ModelError("The model was not asked.")
    while modes:
        remaining = deadline - time.monotonic()
        if remaining <= 0.05:
            last = _late(timeout, 0) if attempt == 0 else last
            break
        attempt += 1
        hinted: float | None = None
        try:
            # Stream only the first attempt: the page shows one draft, then the final text.
            bound = _bind(model, modes[0], schema, remaining, extra)
            text, usage = _once(bound, msgs, on_chunk if attempt == 1 else None, deadline, timeout)
            if not text.strip():
                raise ValueError("empty answer")
            return Answer(text, modes[0], attempt, usage or None, tuple(refused))
        except _Final as exc:
            raise exc.error from None
        except openai.LengthFinishReasonError:
            raise _truncated(bound) from None
        except Exception as exc:  # the network boundary: any failure of an attempt is classified
            # (the openai stream helper raises a bare AssertionError on a non-SSE body)
            if isinstance(exc, openai.APITimeoutError) and time.monotonic() >= deadline - 0.1:
                raise _late(timeout, 0) from None
            action, last = classify(exc)
            hinted = _retry_after(exc) if last.status == 429 else None
        if action == "fatal":
            raise last
        if action == "downgrade":
            if len(modes) == 1:
                raise last
            refused.append(modes.pop(0))
            log.warning(
                "coach: the model server refused %s (%s); stepping down to %s",
                refused[-1],
                last.message,
                modes[0],
            )
            continue
        failures += 1
        if failures > retries:
            break
        wait = min(0.5 * 2 ** (failures - 1), 8.0) * (0.8 + 0.4 * random.random())
        if hinted is not None:
            wait = min(hinted, MAX_RETRY_AFTER)
        if time.monotonic() + wait >= deadline:
            last = ModelError(
                f"{last.message.rstrip('.')} and the time budget ran out.", last.status
            )
            break
        sleep(wait)
    raise last


def runnable(coach: Any, **defaults: Any) -> RunnableLambda[Any, Any]:
    """The coach as a LangChain Runnable: input is the update text, or a dict with `text` and
    any of audience/length/collection/engine; output is the RewriteResult."""

    def _run(value: Any) -> Any:
        if isinstance(value, str):
            return coach.rewrite(value, **defaults)
        if isinstance(value, dict) and isinstance(value.get("text"), str):
            return coach.rewrite(**{**defaults, **value})
        text = getattr(value, "content", None) or getattr(value, "text", None)
        if isinstance(text, str):  # a message or a previous result
            return coach.rewrite(text, **defaults)
        raise InputError("The coach runnable takes the update text or {'text': ...}.")

    return RunnableLambda(_run, name="coach_rewrite")
