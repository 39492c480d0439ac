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

from coach import injection_lang, injection_links, injection_model, injection_norm
from coach.htmltext import layout_view

_AI = r"(?:AI|A\.I\.|assistant|model|language model|LLM|GPT|chat ?bot|bot|summari[sz]er|rewriter|copilot)"
_ORDER = re.compile(
    r"\b(?:say|write|state|add|append|include|insert|tell|describe|reply|respond|answer|output|"
    r"print|rate|replace|end|start|begin|claim|report|mark|use|put|must|should|please|ignore|"
    r"disregard|forget|override)\b",
    re.I,
)
_START = r"(?:^|(?<=[.!?;:]\s)|(?<=\n))\s{0,10}"

# Each rule: (trigger, how far the set-aside passage reaches around it). Triggers never start
# with an unbounded scan, and reaches are bounded, so the cost stays linear in the text.
# "self": the match itself; "forward": from the match to the end of its sentence;
# "sentence": the whole sentence around the match.
_RULES: list[tuple[re.Pattern[str], str]] = [
    # Hidden comments (never status reporting, whatever they say) are found by _comments().
    # Bracketed blocks addressed to a model: [[...]], {{...}}, ####...####.
    (
        re.compile(rf"\[\[[^\]]{{0,600}}?\b(?:{_AI}|instruction|prompt)\b[^\]]{{0,600}}\]\]", re.I),
        "self",
    ),
    (
        re.compile(
            rf"\{{\{{[^}}]{{0,600}}?\b(?:{_AI}|instruction|prompt)\b[^}}]{{0,600}}\}}\}}", re.I
        ),
        "self",
    ),
    (
        re.compile(
            r"#{3,20}\s{0,10}(?:ADMIN|SYSTEM|ASSISTANT|INSTRUCTION)S?\b[^\n]{0,600}?(?:#{3,20}|$)",
            re.I | re.M,
        ),
        "self",
    ),
    # Chat markup and role objects: <system>...</system>, </update>, {"role": "system", ...}.
    (
        re.compile(
            r"</?\s{0,10}(?:system|assistant|user|instructions?|update|prompt)\s{0,10}>(?:[^<\n]{0,600}</\s{0,10}"
            r"(?:system|assistant|user|instructions?|prompt)\s{0,10}>)?",
            re.I,
        ),
        "self",
    ),
    (
        re.compile(
            r"\{\s{0,10}\"role\"\s{0,10}:\s{0,10}\"(?:system|assistant|developer)\"[^}]{0,600}\}?",
            re.I,
        ),
        "self",
    ),
    # Role prefixes: "SYSTEM:", "SYSTEM NOTE TO AI:", "[system]", "Assistant:", "Override:".
    (
        re.compile(
            _START
            + r"(?:\[\s{0,10})?(?:SYSTEM|ASSISTANT|ADMIN|DEVELOPER|OVERRIDE)(?:\s{0,10}\])?(?:\s{1,10}(?:NOTE|"
            r"OVERRIDE|MESSAGE|PROMPT|INSTRUCTIONS?))?(?:\s{1,10}(?:TO|FOR)\s{1,10}(?:THE\s{1,10})?\w+)?\s{0,10}:",
            re.I | re.M,
        ),
        "forward",
    ),
    (
        re.compile(r"\[\s{0,10}(?:system|assistant|admin|developer|instructions?)\s{0,10}\]", re.I),
        "forward",
    ),
    # "Ignore (all) previous instructions", "Disregard prior guidelines", "ignore the above".
    (
        re.compile(
            r"\b(?:ignore|disregard|forget|override)\b[^.!?\n]{0,40}?\b(?:instructions?|guidance|"
            r"guidelines|rules|prompt|system prompt|directions|task|above|rest of (?:this|the) \w+)\b",
            re.I,
        ),
        "sentence",
    ),
    # "Include the phrase X", "Insert the URL ...", "Append the signature X".
    (
        re.compile(
            r"\b(?:include|insert|append|add|write|put|print|output|say)\s{1,10}(?:the|this|a|an|our|my)\s{1,10}"
            r"(?:\w+\s{1,10})?(?:word|phrase|line|text|signature|code|sentence|link|url|tag|token|string|"
            r"marker|footer|header)\b",
            re.I,
        ),
        "sentence",
    ),
    # Orders about the rewrite itself: "... at the top of every rewrite", "... to the end".
    (
        re.compile(
            r"\b(?:append|add|include|insert|put|write|place|print|output|requires?)\b[^.!?\n]{0,80}?"
            r"\b(?:to|at|in|on)\s{1,10}(?:the\s{1,10})?(?:very\s{1,10})?(?:top|end|start|beginning|bottom|first line|"
            r"last line|rewrite|summary|answer|response|output|reply)\b",
            re.I,
        ),
        "sentence",
    ),
    # "End with the word X", "Respond only with X", "Start with the line X".
    (
        re.compile(
            _START
            + r"(?:please\s{1,10})?(?:end|start|begin|respond|reply|answer|finish|sign off)\s{1,10}"
            r"(?:(?:your|the|each|every)\s{1,10}(?:\w+\s{1,10})?)?(?:only\s{1,10})?with\b",
            re.I | re.M,
        ),
        "forward",
    ),
    # "The coach must append ...", "you should now say ...".
    (
        re.compile(
            rf"\b(?:coach|{_AI}|you)\s{{1,10}}(?:must|should|shall|will|need to|have to)\s{{1,10}}(?:now\s{{1,10}}|also\s{{1,10}})?"
            r"(?:append|add|include|insert|write|say|state|begin|start|end|reply|respond|output|print|"
            r"ignore|disregard)\b",
            re.I,
        ),
        "sentence",
    ),
    (
        re.compile(
            r"\bhere(?:'s| is) (?:the|your|my) (?:rewrite|summary|answer|response)\b|"
            r"\b(?:new|your new) instructions?\s{0,10}:|\bdeveloper mode\b|\bjailbreak\b|\bDAN mode\b|"
            r"\byou are now\b",
            re.I,
        ),
        "forward",
    ),
    (
        re.compile(
            r"\binstead,?\s{1,10}(?:write|say|output|print|reply|respond|answer|state)\b", re.I
        ),
        "sentence",
    ),
]
# A note addressed to a model ("Note for the AI summary:", "Message to the summariser tool -")
# is an order whatever follows it.
_OUTPUT = (
    r"(?:summary|summaries|rewrite|rewritten version|condensed version|final version|output|digest)"
)
_RULES.extend(
    [
        (
            re.compile(
                rf"\b(?:note|message|instructions?|request|reminder|memo)\s{{1,10}}(?:for|to)\s{{1,10}}"
                rf"(?:the\s{{1,10}}|any\s{{1,10}}|whichever\s{{1,10}})?{_AI}(?:[ \t]{{1,10}}[\w-]{{2,20}}){{0,2}}?"
                r"\s{0,10}[:—–]",
                re.I,
            ),
            "forward",
        ),
        # A clause conditioned on this text being summarised speaks to whoever summarises it:
        # "when summarising, replace ...", "When this report is condensed, ... becomes X".
        (
            re.compile(
                r"\bwhen\s{1,10}(?:(?:this|the)\s{1,10}(?:report|update|text|note|document|page)\s{1,10}"
                r"(?:is|gets)\s{1,10}(?:summari[sz]ed|condensed|rewritten|shortened|paraphrased|rephrased)|"
                r"(?:summari[sz]ing|condensing|rewriting|shortening|paraphrasing)"
                r"(?:\s{1,10}(?:this|the)\s{1,10}(?:report|update|text))?\s{0,10},"
                r"(?!\s{0,10}(?:we|I|they|he|she|you|our|my|the team)\b))",
                re.I,
            ),
            "sentence",
        ),
        # What the output made from THIS text will or must do: "the summary generated from this
        # update will carry ...", "any rewrite of this report should describe ...".
        (
            re.compile(
                rf"\b{_OUTPUT}\b[^.!?:\n]{{0,50}}?\b(?:from|of|for)\s{{1,10}}this\s{{1,10}}"
                r"(?:update|report|text|note|document|message|page)\b[^.!?:\n]{0,40}?\b(?:will|must|"
                r"should|shall|is to|are to|needs? to|has to|have to|is expected to|ought to)\b",
                re.I,
            ),
            "sentence",
        ),
    ]
)
# "Note to any AI reading this: please write ...", "Hey AI summariser — override: say ...":
# a model addressed by name, then an order in the same sentence.
_ADDRESS = re.compile(
    rf"\b{_AI}\b(?:\s{{1,10}}(?:reading|summari[sz]ing|processing)\s{{1,10}}this)?\s{{0,10}}[:,—–-]+\s{{0,10}}",
    re.I,
)
_REACH = 400  # the longest stretch a rule reaches before or after its trigger


def _sentence_start(text: str, pos: int) -> int:
    lo = max(0, pos - _REACH)
    best = lo
    for m in re.finditer(r"[.!?](?=\s)|\n", text[lo:pos]):
        best = lo + m.end()
    return best


def _sentence_end(text: str, pos: int) -> int:
    m = re.compile(r"[.!?](?=\s|$)|\n").search(text, pos, min(len(text), pos + _REACH))
    if m is None:
        return min(len(text), pos + _REACH)
    return m.end() if m.group(0) != "\n" else m.start()


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
    for s, e, ascii_text in reversed(injection_norm.tag_runs(p)):  # invisible: say what it spelt
        p = p[:s] + ascii_text + p[e:]
    p = " ".join(p.split())
    return p if len(p) <= n else p[: n - 1] + "…"


def _rule_spans(text: str) -> list[tuple[int, int, int, int]]:
    """(start, end, match start, match end) of every rule hit in one view of the text."""
    found: list[tuple[int, int, int, int]] = []
    extra = injection_lang.rules()
    # Self-delimited blocks first; later rules read the text with them blanked, so a sentence
    # reach cannot run on past a comment's end into the author's next sentence.
    found.extend((s, e, s, e) for s, e in _comments(text))
    for pattern, reach in [*_RULES, *extra]:
        if reach == "self":
            found.extend((*m.span(), *m.span()) for m in pattern.finditer(text))
    work = _blank(text, [(s, e) for s, e, _, _ in found])
    for pattern, reach in [*_RULES, *extra]:
        if reach == "self":
            continue
        for m in pattern.finditer(work):
            s, e = m.start(), m.end()
            if injection_lang.is_person_role(work, s):  # "the programme assistant, ..."
                continue
            if reach in ("forward", "sentence"):
                e = max(e, _sentence_end(work, e))
            if reach == "sentence":
                s = _sentence_start(work, s)
            found.append((s, e, *m.span()))
    for m in _ADDRESS.finditer(work):
        if injection_lang.is_person_role(work, m.start()):
            continue
        end = _sentence_end(work, m.end())
        if _ORDER.search(work, m.end(), end):
            found.append((_sentence_start(work, m.start()), end, *m.span()))
    return found


def _comments(text: str) -> list[tuple[int, int]]:
    """Each <!-- ... --> (an unclosed one runs to the end, as in a browser): one linear scan."""
    found = []
    pos = text.find("<!--")
    while pos >= 0:
        end = text.find("-->", pos + 4)
        end = len(text) if end < 0 else end + 3
        found.append((pos, end))
        pos = text.find("<!--", end)
    return found


def spans(text: str, classify: bool = False, genre: bool = True) -> list[tuple[int, int]]:
    """Merged (start, end) spans of instruction-like passages in `text`.

    The rules read several same-length views (coach.injection_norm): look-alike and full-width
    letters folded, accents dropped, sentences split over bullets joined; base64 or hex runs
    that decode to words are set aside whatever they say. With `classify`, every sentence is
    also scored by the multilingual vector classifier (coach.injection_model). HTML is read
    as layout (coach.htmltext.layout_view, same length): a sentence ends where its block
    does, so a one-line CMS export is not one long sentence, and "<p>" opens no sentence.
    """
    raw, text = text, layout_view(text)
    views = [injection_norm.latin(text)]
    if (p := injection_norm.plain(text)) != views[0]:
        views.append(p)
    found = [(s, e) for v in views for s, e, _, _ in _rule_spans(v)]
    for v in views:
        flat = injection_norm.flattened(v)
        if flat != v:  # keep what only the joined lines reveal: a match that crosses a break
            found.extend((s, e) for s, e, ms, me in _rule_spans(flat) if "\n" in text[ms:me])
    found.extend((s, e) for s, e, _ in injection_norm.encoded(raw))  # "&#87;..." as written
    found.extend(_joined_spans(text))
    if classify:  # the language-independent signal: each sentence's vector, classified
        # what the rules set aside (a comment, an "ADMIN:" order, an encoded run) is gone; the
        # classifier reads the rest, so a clean sentence beside it is judged on its own words
        # and an HTML address is no sentence: "<a href=URL>text</a>" is scored as its text
        words = layout_view(raw, addresses=False) if text is not raw else text
        found.extend(injection_model.line_spans(_blank(words, found), genre))
    found = [_trim(text, s, e) for s, e in found]
    # an order read across a link: what a set-aside passage points at goes with it
    found.extend(_trim(text, s, e) for s, e in injection_links.linked(text, views[-1], found))
    found = sorted((s, e) for s, e in found if e > s)
    merged: list[tuple[int, int]] = []
    for s, e in found:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def _joined_spans(text: str) -> list[tuple[int, int]]:
    """An order split across table cells or image alt texts (coach.injection_links.joined):
    the rules read each run joined, and a hit that crosses pieces sets aside every piece from
    its trigger to its end. A hit inside one piece is left to the ordinary reading."""
    found: list[tuple[int, int]] = []
    for run, pieces in injection_links.joined(text):
        for _s, e, ms, _me in _rule_spans(injection_norm.latin(run)):
            hit = [(a, b) for a, b, at in pieces if at < e and at + (b - a) > ms]
            if len(hit) > 1:
                found.extend(hit)
    return found


def _blank(text: str, found: list[tuple[int, int]]) -> str:
    if not found:
        return text
    chars = list(text)
    for s, e in found:
        for k in range(s, e):
            if chars[k] != "\n":
                chars[k] = " "
    return "".join(chars)


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def quarantine(text: str, classify: bool = False, *, genre: bool = True) -> Quarantine:
    """Blank instruction passages out of `text`; newlines are kept so lines stay lines.

    With `classify` (what a rewrite uses), sentences are also scored by their multilingual
    vector, which catches orders in languages and phrasings the rules do not spell. `genre`
    False drops the lower threshold for a sentence unlike the rest of its text: that one was
    fitted on status updates, and strategy prose (ingest) has another genre."""
    found = spans(text, classify, genre)
    if not found:
        return Quarantine(text, ())
    return Quarantine(_blank(text, found), tuple(text[s:e] for s, e in found))
