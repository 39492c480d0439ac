"""The LLM engine: a grounded rewrite from any OpenAI-compatible model, through LangChain.

Untrusted text (the update, its units, the passages) is spotlighted: datamarked with a
per-request random marker, and the system prompt says it is data; the model gets no tools
beyond the answer schema. Every answer goes through coach/guard.py; a failing answer gets one
repair round naming the violations, and a second failure raises GuardError with the reasons,
on which the fallback engine uses the offline one: never a silently wrong rewrite. Answers that pass are cached.
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from coach import lc
from coach.cache import AnswerCache, cache_key
from coach.engines.base import Draft, Request
from coach.errors import GuardError, ModelError
from coach.guard import GuardReport, guard
from coach.prompts import load_prompt
from coach.settings import Settings
from coach.types import UnitChange

_WS = re.compile(r"[ \t\u00a0]+")
_CITE = re.compile(r"\[(p\d{1,3})\]")
_KEY = re.compile(r'"rewrite"\s*:\s*"')
_ESC = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", '"': '"', "\\": "\\", "/": "/"}


def datamark(text: str, marker: str) -> str:
    """Join words with the marker (line breaks stay), so data cannot pass for instructions."""
    return "\n".join(_WS.sub(marker, line.strip()) for line in text.strip().splitlines())


def parse_reply(raw: str) -> dict[str, Any]:
    """The JSON object in a reply, tolerating code fences and prose around it."""
    s = raw.strip()
    fence = re.search(r"```(?:json)?\s*(.*?)```", s, re.S)
    if fence:
        s = fence.group(1).strip()
    start, end = s.find("{"), s.rfind("}")
    if start < 0 or end <= start:
        raise ModelError("The model's answer was not JSON.", body=raw[:500])
    try:
        data = json.loads(s[start : end + 1], strict=False)
    except json.JSONDecodeError:
        raise ModelError("The model's answer was malformed JSON.", body=raw[:500]) from None
    if not isinstance(data, dict) or not isinstance(data.get("rewrite"), str):
        raise ModelError("The model's answer had no rewrite.", body=raw[:500])
    return data


def partial_rewrite(buf: str) -> tuple[str, bool]:
    """The "rewrite" string of a JSON answer still arriving: (text so far, complete?)."""
    m = _KEY.search(buf)
    if not m:
        return "", False
    out: list[str] = []
    i = m.end()
    while i < len(buf):
        ch = buf[i]
        if ch == '"':
            return "".join(out), True
        if ch == "\\":
            if i + 1 >= len(buf):
                break
            nxt = buf[i + 1]
            if nxt == "u":
                if i + 6 > len(buf):
                    break
                with contextlib.suppress(ValueError):
                    out.append(chr(int(buf[i + 2 : i + 6], 16)))
                i += 6
                continue
            out.append(_ESC.get(nxt, nxt))
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out), False


class _Streamer:
    """Turns raw JSON chunks into deltas of the rewrite text, marker removed, for the page."""

    def __init__(self, marker: str, on_token: Callable[[str], None]) -> None:
        self.marker, self.on_token = marker, on_token
        self.raw, self.sent = "", 0

    def __call__(self, chunk: str) -> None:
        self.raw += chunk
        text, done = partial_rewrite(self.raw)
        clean = text.replace(self.marker, " ")
        safe = len(clean) if done else max(0, len(clean) - len(self.marker))
        if safe > self.sent:
            self.on_token(clean[self.sent : safe])
            self.sent = safe


@dataclass
class _Context:
    """One request's spotlighting and the ids the model may cite."""

    marker: str
    canary: str
    pmap: dict[str, Any]  # p1 -> Citation
    system: str
    user: str
    units: list[dict[str, str]]


class LLMEngine:
    name = "llm"

    def __init__(self, settings: Settings, prompt_version: str | None = None) -> None:
        self.settings = settings
        self.prompt = load_prompt("rewrite", prompt_version)
        self.model = lc.chat_model(settings)
        self.cache = AnswerCache(settings.cache_dir, getattr(settings, "cache", True))
        self.mode = "json_schema"  # steps down (and stays down) when the server refuses it

    def _context(self, request: Request) -> _Context:
        marker = "^" + secrets.token_hex(3) + "^"
        canary = "CANARY-" + secrets.token_hex(4)
        pmap = {f"p{i + 1}": c for i, c in enumerate(request.citations)}
        passages = [
            {"id": pid, "source": c.source, "text": datamark(c.text, marker)}
            for pid, c in pmap.items()
        ]
        units = [
            {"id": f"u{i + 1}", "label": u.label, "text": datamark(u.text, marker)}
            for i, u in enumerate(request.analysis.units)
        ]
        system, user = self.prompt.render(
            audience=request.audience,
            length=request.length,
            marker=marker,
            canary=canary,
            update=datamark(request.text, marker),
            units=units,
            passages=passages,
        )
        plain = [
            {"id": u["id"], "text": s.text}
            for u, s in zip(units, request.analysis.units, strict=True)
        ]
        return _Context(marker, canary, pmap, system, user, plain)

    def _key(self, request: Request) -> str:
        return cache_key(
            text=request.text,
            prompt=f"{self.prompt.id}#{self.prompt.digest}",
            model=self.settings.model,
            retrieved=[c.id for c in request.citations],
            audience=request.audience,
            length=request.length,
            server=self.settings.openai_base_url or "openai",
        )

    def _check(self, raw: str, request: Request, ctx: _Context) -> tuple[Any, GuardReport | None]:
        """Parse and guard one answer: (parsed data or None, report or None if unparseable)."""
        try:
            data = parse_reply(raw)
        except ModelError:
            return None, None
        text = str(data["rewrite"]).replace(ctx.marker, " ")
        data["rewrite"] = text
        cited = [c for c in data.get("citations") or [] if isinstance(c, str)]
        report = guard(
            request.text,
            text,
            passages={pid: c.text for pid, c in ctx.pmap.items()},
            cited=cited,
            secrets=[ctx.canary],
            set_aside=request.set_aside,
        )
        return data, report

    @property
    def prompt_version(self) -> str:
        return self.prompt.id

    @property
    def model_name(self) -> str:
        return self.settings.model

    def rewrite(self, request: Request) -> Draft:
        """One grounded rewrite within the interactive (or batch) timeout, guarded.

        Raises ModelError when the server fails, GuardError when no answer passed the guard."""
        on_token = request.on_token
        key = self._key(request)
        hit = self.cache.get(key)
        if hit is not None:
            if on_token:
                on_token(hit["text"])
            return self._draft(
                hit, ("Served from the local cache (same input, prompt, model and passages).",)
            )
        ctx = self._context(request)
        budget = self.settings.batch_timeout if request.batch else self.settings.timeout
        deadline = time.monotonic() + budget
        msgs = lc.messages(ctx.system, ctx.user)
        stream = _Streamer(ctx.marker, on_token) if on_token else None
        answer = self._ask(msgs, deadline, stream)
        data, report = self._check(answer.text, request, ctx)
        notes: list[str] = []
        if report is None or not report.ok:
            problems = _problems(report)
            remaining = deadline - time.monotonic()
            if remaining < 1.0:
                raise self._failed(problems, report, "no time was left for a repair round")
            repair = self.prompt.render_part("repair", violations=problems)
            retry = lc.messages(ctx.system, ctx.user, ("ai", answer.text), ("user", repair))
            answer = self._ask(retry, deadline, None)
            data, report2 = self._check(answer.text, request, ctx)
            if report2 is None or not report2.ok:
                raise self._failed(_problems(report2), report2 or report, "after one repair")
            report = report2
            notes.append(
                "The model's first answer failed the guard (" + "; ".join(problems) + "); "
                "its repaired answer passed."
            )
        assert data is not None
        value = self._value(data, ctx, answer)
        self.cache.put(key, value)
        return self._draft(value, tuple(notes))

    def _ask(self, msgs: Any, deadline: float, stream: Callable[[str], None] | None) -> Any:
        remaining = deadline - time.monotonic()
        if remaining <= 0.05:
            raise ModelError("The model server did not answer in time.")
        answer = lc.ask(
            self.model,
            msgs,
            self.prompt.schema,
            mode=self.mode,
            timeout=remaining,
            retries=self.settings.max_retries,
            on_chunk=stream,
        )
        self.mode = answer.mode
        return answer

    def _value(self, data: dict[str, Any], ctx: _Context, answer: Any) -> dict[str, Any]:
        """The cacheable answer: inline [pN] renumbered to [k] in retrieval order, ids real."""
        claimed = [c for c in data.get("citations") or [] if c in ctx.pmap]
        inline = _CITE.findall(data["rewrite"])
        used = [pid for pid in ctx.pmap if pid in claimed or pid in inline]
        number = {pid: i + 1 for i, pid in enumerate(used)}
        text = _CITE.sub(lambda m: f"[{number.get(m.group(1), '?')}]", data["rewrite"]).strip()
        by_id = {u["id"]: u["text"] for u in ctx.units}
        units = [
            {"id": u["id"], "source": by_id[u["id"]], "became": str(u.get("became", ""))}
            for u in data.get("units") or []
            if isinstance(u, dict) and u.get("id") in by_id
        ]
        return {
            "text": text,
            "questions": [q for q in data.get("questions") or [] if isinstance(q, str)],
            "cited": [ctx.pmap[pid].id for pid in used],
            "units": units,
            "mode": answer.mode,
        }

    def _draft(self, value: dict[str, Any], findings: tuple[str, ...]) -> Draft:
        return Draft(
            text=value["text"],
            questions=tuple(value["questions"]),
            cited=tuple(value["cited"]),
            findings=findings,
            prompt_version=self.prompt.id,
            model=self.settings.model,
            engine=self.name,
            changes=tuple(
                UnitChange(source=str(u.get("source", "")), became=str(u.get("became", "")))
                for u in value.get("units") or []
                if isinstance(u, dict)
            ),
            mode=str(value.get("mode", "")),
        )

    def _failed(self, problems: list[str], report: GuardReport | None, why: str) -> GuardError:
        """No trustworthy answer: the fallback engine takes over with these reasons."""
        injection = bool(report and report.injection)
        kind = "a prompt-injection sign" if injection else "the guard"
        violations = tuple(problems or [why])
        return GuardError(
            f"The model's rewrite ({self.prompt.id}) failed {kind} {why}: "
            + "; ".join(violations[:5]),
            violations,
            injection=injection,
        )


def _problems(report: GuardReport | None) -> list[str]:
    if report is None:
        return ['the answer was not one JSON object with a "rewrite" string']
    return list(report.violations)
