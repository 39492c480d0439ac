"""The LLM engine: any OpenAI-compatible model sorts the update; code writes the rewrite.

Small local models extract far better than they write, so the model answers a json_schema
object (prompts/extract.v2.yaml) naming the headline result, which units are outcomes (and who
benefits), activity, risks and asks, and which strategy passage they serve;
coach/engines/compose.py writes the text from the author's own units and coach/guard.py
checks it. The data is spotlighted by
delimiters (no per-request marker: it tripled the tokens); the unit and passage ids are enums
in the schema, so a grammar-enforcing server can only name ids that exist.

An answer that cannot be used gets one repair round, which quotes what was wrong and asks
again hotter with another seed (same settings gave a byte-identical answer). Anything that
still fails - the server, the deadline, truncation at max_tokens, the guard - RAISES
ModelError with the reason; the caller falls back to the offline engine, tagged. Guarded
answers are cached.
"""

from __future__ import annotations

import copy
import json
import logging
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from coach import lc
from coach.cache import AnswerCache, cache_key
from coach.engines.base import Draft, Request
from coach.engines.compose import (
    SCAFFOLD,
    Extraction,
    compose,
    index_of,
    read_extraction,
    sentence,
)
from coach.errors import GuardError, ModelError
from coach.guard import guard
from coach.prompts import load_prompt
from coach.settings import Settings
from coach.types import UnitChange

log = logging.getLogger("coach.llm")
PASSAGE_CHARS = 400
_ANGLE = str.maketrans({"<": "‹", ">": "›"})


def delimit(text: str) -> str:
    """Data as it goes between <unit> delimiters: one line, and no angle bracket that could
    close the tag ("</unit><system>...") or open a new one."""
    return " ".join(text.split()).translate(_ANGLE)


def parse_json(raw: str) -> dict[str, Any]:
    """The JSON object in a reply, tolerating code fences and prose around it."""
    s = raw.strip()
    quote = " ".join(s.split())[:80]
    fence = re.search(r"```(?:json)?\s*(.*?)```", s, re.S)
    if fence:
        s = fence.group(1).strip()
    start, end = s.find("{"), s.rfind("}")
    if start < 0 or end <= start:
        raise ModelError(f'the answer was not a JSON object: "{quote}"', body=raw[:500])
    try:
        data = json.loads(s[start : end + 1], strict=False)
    except json.JSONDecodeError as exc:
        raise ModelError(
            f'the answer was malformed JSON ({exc.msg}): "{quote}"', body=raw[:500]
        ) from None
    if not isinstance(data, dict):
        raise ModelError(f'the answer was not a JSON object: "{quote}"', body=raw[:500])
    return data


_SECTIONS = (
    ("outcomes", "What changed: "),
    ("activity", "How we got there: "),
    ("risks", "Risks: "),
    ("asks", "Asks and next steps: "),
)
_KEY = re.compile(r'"(outcomes|activity|risks|asks|passage)"\s*:')
_UID = re.compile(r'"(u\d{1,4})"')


class _Streamer:
    """Shows the page a preview as the answer arrives: the units the model has placed so far,
    section by section in the order the answer lists them (the final text replaces it)."""

    def __init__(self, request: Request, on_token: Callable[[str], None]) -> None:
        self.request, self.on_token = request, on_token
        self.raw, self.sent = "", ""

    def preview(self) -> str:
        units = self.request.analysis.units
        keys = list(_KEY.finditer(self.raw))
        parts = []
        for k, m in enumerate(keys):
            end = keys[k + 1].start() if k + 1 < len(keys) else len(self.raw)
            label = dict(_SECTIONS).get(m.group(1))
            if label is None:
                continue
            found = [index_of(u, len(units)) for u in _UID.findall(self.raw[m.end() : end])]
            texts = [sentence(units[i].text) for i in dict.fromkeys(found) if i is not None]
            if texts:
                parts.append(label + " ".join(texts))
        return "\n\n".join(parts)

    def __call__(self, chunk: str) -> None:
        self.raw += chunk
        text = self.preview()
        if text.startswith(self.sent) and len(text) > len(self.sent):
            self.on_token(text[len(self.sent) :])
            self.sent = text


@dataclass
class _Context:
    """One request's prompt, its schema (ids as enums) and the private canary."""

    canary: str
    system: str
    user: str
    schema: dict[str, Any]


class LLMEngine:
    name = "llm"

    def __init__(self, settings: Settings, prompt_version: str | None = None) -> None:
        self.settings = settings
        self.prompt = load_prompt("extract", prompt_version)
        self.model = lc.chat_model(settings)
        self.cache = AnswerCache(settings.cache_dir, getattr(settings, "cache", True))
        self.mode = "json_schema"  # steps down (and stays down) when the server refuses it

    # -- the prompt --------------------------------------------------------------------------
    def context(self, request: Request, *, plain: bool = False) -> _Context:
        """The rendered prompt; `plain` renders it without spotlighting (to measure its cost)."""
        canary = "CANARY-" + secrets.token_hex(4)
        show = (lambda t: " ".join(t.split())) if plain else delimit
        units = [{"id": f"u{i + 1}", "text": show(u.text)} for i, u in enumerate(request.analysis.units)]  # fmt: skip
        # The model only picks a passage (the text quoting it is built from its title and
        # section), so it sees the opening of each: prompt tokens are most of a CPU model's time.
        passages = [
            {"id": f"p{i + 1}", "text": show(_opening(c.context))}
            for i, c in enumerate(request.citations)
        ]
        system, user = self.prompt.render(
            units=units, passages=passages, canary=canary, plain=plain
        )
        return _Context(canary, system, user, self._schema(request))

    def _schema(self, request: Request) -> dict[str, Any]:
        schema = copy.deepcopy(self.prompt.schema)
        uids = [f"u{i + 1}" for i in range(len(request.analysis.units))] or ["u1"]
        props = schema["properties"]
        # Enums and bounds: a grammar-enforcing server can name only real ids, and cannot
        # ramble (a 135M model listed ids until max_tokens cut it off).
        props["outcomes"]["items"]["properties"]["unit"]["enum"] = uids
        props["outcomes"]["items"]["properties"]["for"]["maxLength"] = 80
        for key in ("outcomes", "activity", "risks", "asks"):
            props[key]["maxItems"] = len(uids)
            if key != "outcomes":
                props[key]["items"]["enum"] = uids
        props["passage"]["enum"] = ["", *(f"p{i + 1}" for i in range(len(request.citations)))]
        if "headline" in props:  # v2: the one unit that best states what changed, or ""
            props["headline"]["enum"] = ["", *uids]
        return schema

    def max_tokens(self, request: Request) -> int:
        if self.settings.max_tokens > 0:
            return self.settings.max_tokens
        table = self.prompt.options.get("max_tokens") or {}
        return int(table.get(request.length) or table.get("standard") or 600)

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

    @property
    def prompt_version(self) -> str:
        return self.prompt.id

    @property
    def model_name(self) -> str:
        return self.settings.model

    # -- the call ----------------------------------------------------------------------------
    def rewrite(self, request: Request) -> Draft:
        """One guarded rewrite within the interactive (or batch) deadline.

        Raises ModelError when the server fails or the answer cannot be used, GuardError when
        the text built from it fails the guard; the fallback engine takes it from there."""
        on_token = request.on_token
        key = self._key(request)
        hit = self.cache.get(key)
        if hit is not None and isinstance(hit.get("extraction"), dict):
            ext, _ = read_extraction(hit["extraction"], request)
            draft = self._compose(request, ext, hit.get("mode", ""), None)
            if on_token:
                on_token(draft.text)
            return _with_findings(
                draft, "Served from the local cache (same input, prompt, model and passages)."
            )
        ctx = self.context(request)
        budget = self.settings.batch_timeout if request.batch else self.settings.timeout
        deadline = time.monotonic() + budget
        msgs = lc.messages(ctx.system, ctx.user)
        stream = _Streamer(request, on_token) if on_token else None
        answer = self._ask(msgs, ctx, deadline, budget, stream, self.max_tokens(request))
        data, ext, problems = self._read(answer.text, request, ctx)
        notes: list[str] = []
        if problems:
            if ctx.canary.lower() in answer.text.lower():
                raise _unusable(problems, "text in the data steered the model", injection=True)
            if deadline - time.monotonic() < 1.0:
                raise _unusable(problems, "no time was left for a repair round")
            repair = self.prompt.render_part("repair", violations=problems)
            retry = lc.messages(ctx.system, ctx.user, ("ai", answer.text[:2000]), ("user", repair))
            temp = float(self.prompt.options.get("repair_temperature", 0.7))
            answer = self._ask(
                retry, ctx, deadline, budget, None, self.max_tokens(request), temp, seed=7
            )
            data, ext, problems2 = self._read(answer.text, request, ctx)
            if problems2:
                raise _unusable(problems2, "after one repair round")
            notes.append(
                "The model's first answer could not be used (" + "; ".join(problems) + "); "
                "its repaired answer could."
            )
        draft = self._compose(request, ext, answer.mode, ctx)
        if answer.refused:
            notes.append(
                f"The model server refused {', '.join(answer.refused)}; used {answer.mode}."
            )
        log.info(
            "coach: llm answer in %s mode (attempts %d%s)",
            answer.mode,
            answer.attempts,
            f", stepped down from {', '.join(answer.refused)}" if answer.refused else "",
        )
        self.cache.put(key, {"extraction": data, "mode": answer.mode})
        return _with_findings(draft, *notes)

    def _ask(
        self,
        msgs: Any,
        ctx: _Context,
        deadline: float,
        budget: float,
        stream: Callable[[str], None] | None,
        max_tokens: int,
        temperature: float | None = None,
        seed: int | None = None,
    ) -> lc.Answer:
        remaining = deadline - time.monotonic()
        if remaining <= 0.05:
            raise ModelError(f"The model did not answer within the {budget:.0f} s deadline.")
        answer = lc.ask(
            self.model,
            msgs,
            ctx.schema,
            mode=self.mode,
            timeout=remaining,
            retries=self.settings.max_retries,
            on_chunk=stream,
            max_tokens=max_tokens,
            temperature=temperature,
            seed=seed,
        )
        self.mode = answer.mode
        return answer

    def _read(
        self, raw: str, request: Request, ctx: _Context
    ) -> tuple[dict[str, Any], Extraction, list[str]]:
        try:
            data = parse_json(raw)
        except ModelError as exc:
            return {}, Extraction(), [exc.message]
        ext, problems = read_extraction(data, request)
        if ctx.canary.lower() in raw.lower():
            problems.append("it repeats the private canary, so text in the data steered it")
        return data, ext, problems

    def _compose(self, request: Request, ext: Extraction, mode: str, ctx: _Context | None) -> Draft:
        """Write the text from the extraction and guard it; a failing guard is a ModelError."""
        out = compose(request, ext)
        pmap = {f"p{i + 1}": c for i, c in enumerate(request.citations)}
        cited = [pid for pid, c in pmap.items() if c.id in out.cited]
        report = guard(
            request.text,
            out.text,
            passages={pid: c.context for pid, c in pmap.items()},
            cited=cited,
            secrets=[ctx.canary] if ctx else [],
            set_aside=request.set_aside,
            scaffold=SCAFFOLD,
        )
        if not report.ok:
            kind = "a prompt-injection sign" if report.injection else "the guard"
            raise GuardError(
                f"The rewrite built from the model's answer ({self.prompt.id}) failed {kind}: "
                + "; ".join(report.violations[:4]),
                report.violations,
                injection=report.injection,
            )
        return Draft(
            text=out.text,
            questions=tuple(out.questions),
            cited=tuple(out.cited),
            prompt_version=self.prompt.id,
            model=self.settings.model,
            engine=self.name,
            changes=tuple(UnitChange(source=s, became=b) for s, b in out.changes),
            mode=mode,
        )


def _opening(text: str, limit: int = PASSAGE_CHARS) -> str:
    """The first `limit` characters of a passage, cut at a word."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " ..."


def _with_findings(draft: Draft, *notes: str) -> Draft:
    from dataclasses import replace

    return replace(draft, findings=(*draft.findings, *notes)) if notes else draft


def _unusable(problems: list[str], why: str, *, injection: bool = False) -> GuardError:
    return GuardError(
        f"The model's answer could not be used ({why}): " + "; ".join(problems[:4]),
        tuple(problems),
        injection=injection,
    )


__all__ = ["LLMEngine", "delimit", "parse_json", "read_extraction"]
