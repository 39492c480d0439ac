"""The LLM engine: a grounded rewrite from any OpenAI-compatible model, through LangChain.

Untrusted text is spotlighted (datamarked with a per-request random marker). The core runs the
facts guard on whatever comes back and falls back to the offline engine when it fails.
"""

from __future__ import annotations

import json
import re
import secrets

from coach import lc
from coach.engines.base import Draft, Request
from coach.errors import ModelError
from coach.prompts import load_prompt
from coach.settings import Settings


def datamark(text: str, marker: str) -> str:
    return re.sub(r"\s+", marker, text.strip())


def parse_reply(raw: str) -> dict[str, object]:
    """The JSON object in a reply, tolerating code fences and prose around it."""
    s = raw.strip()
    fence = re.search(r"```(?:json)?\s*(.*?)```", s, re.S)
    if fence:
        s = fence.group(1).strip()
    start, end = s.find("{"), s.rfind("}")
    if start < 0 or end <= start:
        raise ModelError("The model's answer was not JSON.", body=raw[:500])
    try:
        data = json.loads(s[start : end + 1])
    except json.JSONDecodeError:
        raise ModelError("The model's answer was malformed JSON.", body=raw[:500]) from None
    if not isinstance(data, dict) or not isinstance(data.get("rewrite"), str):
        raise ModelError("The model's answer had no rewrite.", body=raw[:500])
    return data


class LLMEngine:
    name = "llm"

    def __init__(self, settings: Settings, prompt_version: str | None = None) -> None:
        self.settings = settings
        self.prompt = load_prompt("rewrite", prompt_version)
        self.model = lc.chat_model(settings)

    def rewrite(self, request: Request) -> Draft:
        marker = "^" + secrets.token_hex(3) + "^"
        passages = [
            {"id": f"p{i + 1}", "source": c.source, "text": datamark(c.text, marker)}
            for i, c in enumerate(request.citations)
        ]
        system, user = self.prompt.render(
            audience=request.audience,
            length=request.length,
            marker=marker,
            update=datamark(request.text, marker),
            passages=passages,
        )
        raw = lc.invoke(self.model, lc.messages(system, user))
        data = parse_reply(raw)
        ids = {f"p{i + 1}": c.id for i, c in enumerate(request.citations)}
        cited = [ids[c] for c in data.get("citations") or [] if isinstance(c, str) and c in ids]
        questions = [q for q in data.get("questions") or [] if isinstance(q, str)]
        text = str(data["rewrite"]).replace(marker, " ")
        return Draft(
            text=text,
            questions=tuple(questions),
            cited=tuple(cited),
            prompt_version=self.prompt.id,
            model=self.settings.model,
            engine=self.name,
        )
