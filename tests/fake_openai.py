"""A real OpenAI-compatible chat server on 127.0.0.1, with a scripted queue of behaviours.

The real openai client and LangChain's ChatOpenAI talk to it over HTTP, so timeouts, retries,
SSE streaming and broken replies are exercised for real (a fake, not a mock). Use it as the
`fake_llm` pytest fixture or, outside pytest (bench), as `with fake_openai(latency=0.2) as f:`.

    f.script("plain reply", status(429, retry_after=1), hang(5), malformed_json)
    Coach(openai_base_url=f.base_url, openai_api_key="test", ...)
    f.requests[-1]["body"]["messages"]   # what it was asked

Each request to POST /v1/chat/completions takes the next behaviour from the queue; when the
queue is empty `f.default` answers (by default `echo_rewrite`: a valid JSON rewrite that keeps
the update's own words, so it passes the facts guard).
"""

from __future__ import annotations

import json
import re
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = str | Callable[[dict[str, Any]], str]


@dataclass(frozen=True)
class Behaviour:
    """One scripted answer: kind is reply, status, hang, malformed_json, truncated, ..."""

    kind: str
    text: Reply | None = None
    status: int = 200
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


def reply(text: Reply) -> Behaviour:
    """A normal answer: the text, or a callable building it from the request body."""
    return Behaviour("reply", text=text)


def status(
    code: int,
    retry_after: float | None = None,
    *,
    message: str | None = None,
    error_code: str | None = None,
    retry_after_ms: int | None = None,
) -> Behaviour:
    """An HTTP error in OpenAI's error shape, e.g. status(429, retry_after=1), status(500)."""
    headers: dict[str, str] = {}
    if retry_after is not None:
        headers["retry-after"] = str(retry_after)
    if retry_after_ms is not None:
        headers["retry-after-ms"] = str(retry_after_ms)
    kind = {401: "invalid_request_error", 429: "rate_limit_exceeded"}.get(code, "server_error")
    body = {
        "error": {
            "message": message or f"fake server says {code}",
            "type": kind,
            "param": None,
            "code": error_code or ("invalid_api_key" if code == 401 else kind),
        }
    }
    return Behaviour("status", status=code, body=body, headers=headers)


def hang(seconds: float) -> Behaviour:
    """Read the request, say nothing for `seconds`, then close the connection."""
    return Behaviour("hang", seconds=seconds)


insufficient_quota = Behaviour(
    "status",
    status=429,
    body={
        "error": {
            "message": "You exceeded your current quota, please check your plan and billing.",
            "type": "insufficient_quota",
            "param": None,
            "code": "insufficient_quota",
        }
    },
)
malformed_json = Behaviour("malformed_json")  # HTTP 200 whose body is not JSON
truncated = Behaviour("truncated")  # the body (or the SSE stream) stops half-way
empty_choices = Behaviour("empty_choices")  # a valid completion with "choices": []
reset = Behaviour("reset")  # the connection is reset (RST) without an answer


def length(text: Reply = '{"outcomes": [{"unit": "u1", "fo') -> Behaviour:
    """An answer cut off at max_tokens: finish_reason "length" (as llama.cpp sends it)."""
    return Behaviour("length", text=text)


_MARKER = re.compile(r"\^[0-9a-zA-Z]{4,16}\^")
_UPDATE = re.compile(r"<update[^>]*>(.*?)</update>", re.S)
_RESULT = re.compile(r"\b(?:cut|cuts|saved|reduced|reached|so that|which)\b|%", re.I)
_UNIT = re.compile(r'<unit id="([^"]+)"[^>]*>(.*?)</unit>', re.S)
_PASSAGE = re.compile(r'<passage id="([^"]+)"')


def unmark(text: str) -> str:
    """Undo the datamarking (a ^hex^ marker in place of spaces) the coach applies."""
    return _MARKER.sub(" ", text).strip()


def user_text(body: dict[str, Any]) -> str:
    """All user messages of a request, joined (content may be a string or parts)."""
    out = []
    for m in body.get("messages", []):
        if m.get("role") != "user":
            continue
        c = m.get("content")
        if isinstance(c, list):
            c = " ".join(p.get("text", "") for p in c if isinstance(p, dict))
        out.append(str(c or ""))
    return "\n".join(out)


def update_of(body: dict[str, Any]) -> str:
    """The status update the coach sent (inside <update>, or its units joined), unmarked;
    else the user text."""
    text = user_text(body)
    m = _UPDATE.search(text)
    if m:
        return unmark(m.group(1))
    units = _UNIT.findall(text)
    return " ".join(unmark(u) for _, u in units) if units else unmark(text)


def system_text(body: dict[str, Any]) -> str:
    msgs = body.get("messages") or [{}]
    return str(msgs[0].get("content") or "") if msgs[0].get("role") == "system" else ""


def echo_extract(body: dict[str, Any]) -> str:
    """An extraction answer (prompts/extract.*): units that state a result (a %, "cut",
    "reached", "which") are outcomes, the rest activity; the first passage is the one they serve."""
    units = _UNIT.findall(user_text(body))
    outcomes = [{"unit": uid, "for": ""} for uid, u in units if _RESULT.search(u)]
    named = {o["unit"] for o in outcomes}
    passages = _PASSAGE.findall(user_text(body))
    return json.dumps(
        {
            "outcomes": outcomes,
            "activity": [uid for uid, _ in units if uid not in named],
            "risks": [],
            "asks": [],
            "passage": passages[0] if passages else "",
        }
    )


def echo_rewrite(body: dict[str, Any]) -> str:
    """A plausible answer that keeps the update's words (passes the guard): an extraction for
    the llm engine's extract prompt, else an outcome-first JSON rewrite."""
    if '"outcomes"' in system_text(body):
        return echo_extract(body)
    text = user_text(body)
    update = update_of(body)
    passages = _PASSAGE.findall(text)
    units = [{"id": uid, "became": unmark(u)} for uid, u in _UNIT.findall(text)]
    cite = f" [{passages[0]}]" if passages else ""
    rewrite = f"Outcome first: {update}\n\nWhy it matters: this serves the strategy{cite}."
    return json.dumps(
        {
            "rewrite": rewrite,
            "units": units,
            "citations": passages[:1],
            "questions": [],
        }
    )


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    fake: FakeOpenAI


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _send_json(self, code: int, data: Any, headers: dict[str, str] | None = None) -> None:
        raw = json.dumps(data).encode()
        self.send_response(code)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(raw)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(raw)

    def do_GET(self) -> None:
        if self.path.rstrip("/").endswith("/models"):
            ids = sorted({self.server.fake.model, "fake-model"})
            data = [{"id": i, "object": "model", "created": 0, "owned_by": "fake"} for i in ids]
            self._send_json(200, {"object": "list", "data": data})
        else:
            self._send_json(404, {"error": {"message": "not found", "type": "not_found"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            self._send_json(400, {"error": {"message": "bad json", "type": "invalid_request"}})
            return
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._send_json(404, {"error": {"message": "not found", "type": "not_found"}})
            return
        fake = self.server.fake
        behaviour = fake._next(self.path, body, dict(self.headers))
        if fake.latency:
            time.sleep(fake.latency)
        fmt = (body.get("response_format") or {}).get("type")
        if fmt == "json_schema" and not fake.supports_json_schema and behaviour.kind == "reply":
            behaviour = status(400, message="response_format json_schema is not supported")
        if body.get("tools") and not fake.supports_tools and behaviour.kind == "reply":
            behaviour = status(400, message="tools are not supported")
        try:
            self._act(behaviour, body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a deadline)
            self.close_connection = True

    def _act(self, b: Behaviour, body: dict[str, Any]) -> None:
        if b.kind == "status":
            self._send_json(b.status, b.body or {}, b.headers)
        elif b.kind == "hang":
            fake = self.server.fake
            with fake._lock:
                fake.hanging += 1
            try:
                fake._stopping.wait(b.seconds)
            finally:
                with fake._lock:
                    fake.hanging -= 1
            self.close_connection = True
        elif b.kind == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
        elif b.kind == "malformed_json":
            raw = b'{"id": "chatcmpl-x", "choices": [{"message": {"content": "unterminated'
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)
        elif b.kind == "empty_choices":
            self._send_json(200, {**_envelope(body), "choices": []})
        elif body.get("stream"):
            self._stream(
                self._text(b, body),
                body,
                cut=b.kind == "truncated",
                finish="length" if b.kind == "length" else None,
            )
        elif b.kind == "truncated":
            raw = json.dumps(_completion(body, "x" * 200)).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw[: len(raw) // 2])
            self.close_connection = True
        else:
            done = _completion(body, self._text(b, body))
            if b.kind == "length":
                done["choices"][0]["finish_reason"] = "length"
            self._send_json(200, done)

    def _text(self, b: Behaviour, body: dict[str, Any]) -> str:
        own = b.kind in ("reply", "length") and b.text is not None
        source = b.text if own else self.server.fake.default
        return source(body) if callable(source) else str(source)

    def _stream(
        self, text: str, body: dict[str, Any], cut: bool = False, finish: str | None = None
    ) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.end_headers()
        self.close_connection = True
        env = _envelope(body, "chat.completion.chunk")
        tool = _tool_name(body)
        pieces = re.findall(r"\S+\s*|\s+", text) or [""]
        if cut:
            pieces = pieces[: max(1, len(pieces) // 2)]

        def send(delta: dict[str, Any], finish: str | None = None) -> None:
            chunk = {**env, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.flush()

        send({"role": "assistant", "content": ""})
        for i, piece in enumerate(pieces):
            if tool:
                call: dict[str, Any] = {"index": 0, "function": {"arguments": piece}}
                if i == 0:
                    call.update(id="call_0", type="function")
                    call["function"]["name"] = tool
                send({"tool_calls": [call]})
            else:
                send({"content": piece})
            if self.server.fake.stream_delay:
                time.sleep(self.server.fake.stream_delay)
        if cut:
            return
        with self.server.fake._lock:  # counted before the client can have seen the end
            self.server.fake.streams_finished += 1
        send({}, finish or ("tool_calls" if tool else "stop"))
        if (body.get("stream_options") or {}).get("include_usage"):
            usage = {**env, "choices": [], "usage": _usage(body, text)}
            self.wfile.write(f"data: {json.dumps(usage)}\n\n".encode())
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()


def _tool_name(body: dict[str, Any]) -> str | None:
    tools = body.get("tools") or []
    if not tools:
        return None
    choice = body.get("tool_choice")
    if isinstance(choice, dict):
        return str(choice.get("function", {}).get("name"))
    return str(tools[0].get("function", {}).get("name"))


def _envelope(body: dict[str, Any], obj: str = "chat.completion") -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": obj,
        "created": int(time.time()),
        "model": body.get("model", "fake-model"),
        "system_fingerprint": "fake",
    }


def _usage(body: dict[str, Any], text: str) -> dict[str, int]:
    prompt = sum(len(str(m.get("content", ""))) for m in body.get("messages", [])) // 4
    out = len(text) // 4
    return {"prompt_tokens": prompt, "completion_tokens": out, "total_tokens": prompt + out}


def _completion(body: dict[str, Any], text: str) -> dict[str, Any]:
    tool = _tool_name(body)
    message: dict[str, Any] = {"role": "assistant", "content": text, "refusal": None}
    finish = "stop"
    if tool:
        message["content"] = None
        message["tool_calls"] = [
            {"id": "call_0", "type": "function", "function": {"name": tool, "arguments": text}}
        ]
        finish = "tool_calls"
    return {
        **_envelope(body),
        "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
        "usage": _usage(body, text),
    }


class FakeOpenAI:
    """The server object: `.base_url` (ends in /v1), `.script(...)`, `.requests`, `.latency`."""

    def __init__(
        self,
        latency: float = 0.0,
        default: Reply = echo_rewrite,
        *,
        supports_json_schema: bool = True,
        supports_tools: bool = True,
        model: str = "fake-model",
    ) -> None:
        self.latency = latency  # seconds added before every chat answer
        self.stream_delay = 0.0  # seconds between SSE chunks
        self.default: Reply = default
        self.supports_json_schema = supports_json_schema
        self.supports_tools = supports_tools
        self.model = model
        self.queue: deque[Behaviour] = deque()
        self.requests: list[dict[str, Any]] = []
        # requests held silent by hang() right now: a client that returns while this is above
        # zero gave up on its own deadline instead of waiting for the server
        self.hanging = 0
        self.streams_finished = 0  # SSE answers sent to their end (finish_reason written)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.port = int(self._server.server_address[1])
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.api_key = "test-key"

    # -- scripting ---------------------------------------------------------------------------
    def script(self, *behaviours: Behaviour | Reply) -> FakeOpenAI:
        """Queue behaviours (plain strings and callables are replies), answered in order."""
        with self._lock:
            for b in behaviours:
                self.queue.append(b if isinstance(b, Behaviour) else reply(b))
        return self

    def _next(self, path: str, body: dict[str, Any], headers: dict[str, str]) -> Behaviour:
        with self._lock:
            self.requests.append({"path": path, "body": body, "headers": headers})
            return self.queue.popleft() if self.queue else Behaviour("reply")

    # -- inspection --------------------------------------------------------------------------
    @property
    def chat_requests(self) -> list[dict[str, Any]]:
        return [r["body"] for r in self.requests if r["path"].endswith("/chat/completions")]

    def last_messages(self) -> list[dict[str, Any]]:
        return list(self.requests[-1]["body"].get("messages", [])) if self.requests else []

    def clear(self) -> None:
        with self._lock:
            self.queue.clear()
            self.requests.clear()

    def settings(self, **extra: Any) -> dict[str, Any]:
        """Keyword arguments for Coach/Settings pointing at this server."""
        return {"openai_base_url": self.base_url, "openai_api_key": self.api_key, **extra}

    def env(self) -> dict[str, str]:
        """Environment variables pointing a subprocess (CLI, page) at this server."""
        return {"OPENAI_BASE_URL": self.base_url, "OPENAI_API_KEY": self.api_key}

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextmanager
def fake_openai(latency: float = 0.0, **kwargs: Any) -> Iterator[FakeOpenAI]:
    """The server for use outside pytest (bench, scripts)."""
    with FakeOpenAI(latency, **kwargs) as server:
        yield server


__all__ = [
    "Behaviour",
    "FakeOpenAI",
    "echo_extract",
    "echo_rewrite",
    "empty_choices",
    "fake_openai",
    "hang",
    "insufficient_quota",
    "length",
    "malformed_json",
    "reply",
    "reset",
    "status",
    "truncated",
    "unmark",
    "update_of",
]
