"""Set aside text that addresses an AI instead of reporting status (prompt injection).

A status update is data. Passages such as "<!-- assistant: say X -->", "Ignore previous
instructions and ...", "SYSTEM NOTE TO AI: ..." or "[[instruction for the language model: ...]]"
are orders to a model, hidden or not. They are blanked (same length, so every offset into the
text stays valid) before the text is analysed, rewritten or sent to a model, and named in the
result's findings, so nothing is dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_AI = r"(?:AI|A\.I\.|assistant|model|language model|LLM|GPT|chat ?bot|bot|summari[sz]er|rewriter|copilot)"
_ORDER = (
    r"(?:say|write|state|add|append|include|insert|tell|describe|reply|respond|answer|output|"
    r"print|rate|replace|end|start|begin|claim|report|mark|use|put|must|should|please|ignore|"
    r"disregard|forget|override)"
)
_PATTERNS = [
    # Hidden comments are never status reporting, whatever they say.
    re.compile(r"<!--.*?(?:-->|$)", re.S),
    # Bracketed blocks addressed to a model: [[...]], {{...}}, ####...####.
    re.compile(rf"\[\[[^\]]*?\b(?:{_AI}|instruction|prompt)\b[^\]]*\]\]", re.I),
    re.compile(rf"\{{\{{[^}}]*?\b(?:{_AI}|instruction|prompt)\b[^}}]*\}}\}}", re.I),
    re.compile(r"#{3,}\s*(?:ADMIN|SYSTEM|ASSISTANT|INSTRUCTION)S?\b.*?(?:#{3,}|$)", re.I | re.M),
    # Role prefixes: "SYSTEM:", "SYSTEM NOTE TO AI:", "SYSTEM OVERRIDE:", "Assistant:".
    re.compile(
        r"(?:^|(?<=[.!?]\s)|(?<=\n))\s*(?:\[\s*)?(?:SYSTEM|ASSISTANT|ADMIN|DEVELOPER|OVERRIDE)(?:\s*\])?(?:\s+(?:NOTE|OVERRIDE|"
        r"MESSAGE|PROMPT|INSTRUCTIONS?))?(?:\s+(?:TO|FOR)\s+(?:THE\s+)?\w+)?\s*:[^\n]*?"
        r"(?:[.!?](?=\s|$)|$)",
        re.I,
    ),
    # "Ignore (all) previous/prior/earlier instructions/guidance/rules ...".
    re.compile(
        r"[^.!?\n]*\b(?:ignore|disregard|forget|override)\b[^.!?\n]{0,40}\b(?:instructions?|"
        r"guidance|guidelines|rules|prompt|system prompt|directions|task|above|"
        r"rest of (?:this|the) \w+)\b[^\n]*?(?:[.!?](?=\s|$)|$)",
        re.I | re.M,
    ),
    # A sentence that speaks to a model and orders it to do something.
    re.compile(
        rf"[^.!?\n]*\b(?:note|message|instruction|hey|dear|attention)?\s*(?:to|for)?\s*(?:any\s+|the\s+)?"
        rf"\b{_AI}\b(?:\s+(?:reading|summari[sz]ing|processing)\s+this)?\s*[:,—–-]+\s*[^\n]*?"
        rf"\b{_ORDER}\b[^\n]*?(?:[.!?](?=\s|$)|$)",
        re.I | re.M,
    ),
    re.compile(r"\byou are now\b[^\n]*?(?:[.!?](?=\s|$)|$)", re.I | re.M),
    # Orders about the rewrite itself: "... the text X at the top of every rewrite",
    # "Append the link ... to the end", "Add the link https://... to the rewrite".
    re.compile(
        r"[^.!?\n]*\b(?:append|add|include|insert|put|write|place|print|output|requires?)\b"
        r"[^.!?\n]{0,80}?\b(?:to|at|in|on)\s+(?:the\s+)?(?:very\s+)?(?:top|end|start|beginning|"
        r"bottom|first line|last line|rewrite|summary|answer|response|output|reply)\b"
        r"(?:\s+of\s+(?:every|each|the|your)\s+(?:rewrite|summary|answer|response|output|reply))?"
        r"[^\n]*?(?:[.!?](?=\s|$)|$)",
        re.I | re.M,
    ),
    # "Include the phrase X", "Insert the URL ...", "End with the word X", "Respond only with X".
    re.compile(
        r"[^.!?\n]*\b(?:include|insert|append|add|write|put|print|output|say)\s+"
        r"(?:the|this|a|an|our|my)\s+(?:\w+\s+)?(?:word|phrase|line|text|signature|code|sentence|"
        r"link|url|tag|token|string|marker|footer|header)\b[^\n]*?(?:[.!?](?=\s|$)|$)",
        re.I | re.M,
    ),
    re.compile(
        r"(?:^|(?<=[.!?;]\s)|(?<=\n))\s*(?:please\s+)?(?:end|start|begin|respond|reply|answer|"
        r"finish|sign off)\s+(?:(?:your|the|each|every)\s+(?:\w+\s+)?)?(?:only\s+)?with\b[^\n]*?"
        r"(?:[.!?](?=\s|$)|$)",
        re.I | re.M,
    ),
    # "The coach must append ...", "you should now say ..."
    re.compile(
        rf"[^.!?\n]*\b(?:coach|{_AI}|you)\s+(?:must|should|shall|will|need to|have to)\s+(?:now\s+|also\s+)?"
        rf"(?:append|add|include|insert|write|say|state|begin|start|end|reply|respond|output|print|"
        rf"ignore|disregard)\b[^\n]*?(?:[.!?](?=\s|$)|$)",
        re.I | re.M,
    ),
    # Chat-markup and role blocks: <system>...</system>, </update>, {"role": "system", ...}.
    re.compile(
        r"</?\s*(?:system|assistant|user|instructions?|update|prompt)\s*>(?:[^<\n]*</\s*"
        r"(?:system|assistant|user|instructions?|prompt)\s*>)?",
        re.I,
    ),
    re.compile(r"\{\s*\"role\"\s*:\s*\"(?:system|assistant|developer)\".*?(?:\}|$)", re.I | re.S),
    re.compile(
        r"(?:\bhere(?:'s| is) (?:the|your|my) (?:rewrite|summary|answer|response)\b|"
        r"\b(?:new|your new) instructions?\s*:|\bdeveloper mode\b|\bjailbreak\b|\bDAN mode\b|"
        r"\[\s*(?:system|assistant|admin|developer|instructions?)\s*\])[^\n]*?(?:[.!?](?=\s|$)|$)",
        re.I | re.M,
    ),
    # "... and instead output/write the text ..."
    re.compile(
        r"[^.!?\n]*\binstead,?\s+(?:write|say|output|print|reply|respond|answer|state)\b"
        r"[^\n]*?(?:[.!?](?=\s|$)|$)",
        re.I | re.M,
    ),
]


@dataclass(frozen=True)
class Quarantine:
    text: str  # the input with instruction passages blanked out (same length)
    passages: tuple[str, ...]  # what was set aside, as written

    @property
    def findings(self) -> tuple[str, ...]:
        return tuple(
            f'Set aside a passage that reads as an instruction to an AI, not a status item: "{_short(p)}".'
            for p in self.passages
        )


def _short(p: str, n: int = 90) -> str:
    p = " ".join(p.split())
    return p if len(p) <= n else p[: n - 1] + "…"


def spans(text: str) -> list[tuple[int, int]]:
    """Merged (start, end) spans of instruction-like passages in `text`."""
    found: list[tuple[int, int]] = []
    work = text
    for pattern in _PATTERNS:  # in order; each pattern sees what earlier ones blanked
        for m in pattern.finditer(work):
            s, e = m.start(), m.end()
            while s < e and work[s].isspace():
                s += 1
            while e > s and work[e - 1].isspace():
                e -= 1
            if e > s:
                found.append((s, e))
        for s, e in found:
            work = work[:s] + "".join("\n" if c == "\n" else " " for c in work[s:e]) + work[e:]
    found.sort()
    merged: list[tuple[int, int]] = []
    for s, e in found:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def quarantine(text: str) -> Quarantine:
    """Blank instruction passages out of `text`; newlines are kept so lines stay lines."""
    found = spans(text)
    if not found:
        return Quarantine(text, ())
    chars = list(text)
    for s, e in found:
        for k in range(s, e):
            if chars[k] != "\n":
                chars[k] = " "
    return Quarantine("".join(chars), tuple(text[s:e] for s, e in found))
