"""Optional offline redaction (COACH_REDACT=1): emails, phone numbers and card numbers are
replaced by placeholders before text goes to a model, and put back in what comes back.

Reversible on purpose: the facts guard demands that every fact in the update survives, so the
model sees `[email 1]` and the person reading the rewrite sees the address again. Card numbers
must pass the Luhn check, so order numbers and ticket ids are left alone. Regexes only: no
model, no download (Presidio's analyzer fetches a spaCy model at run time).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from coach.engines.base import Draft, Request, Wrapper
from coach.markup import PLACEHOLDER
from coach.types import UnitChange

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_CARD = re.compile(r"(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])")
_PHONE = re.compile(
    r"(?<![\w.+/-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,5}\)[\s.-]?)?\d{2,5}(?:[\s.-]\d{2,6}){1,4}(?![\w/-]|\.\d)"
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum every payment card number carries."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _is_phone(raw: str) -> bool:
    digits = re.sub(r"\D", "", raw)
    if not 9 <= len(digits) <= 15 or _DATE.match(raw.strip()):
        return False
    # A run of years or plain counts ("2023 2024 2025") is not a number anyone dials.
    groups = re.split(r"[\s.()-]+", raw.strip("+ "))
    return raw.lstrip().startswith(("+", "(")) or not all(
        len(g) == 4 and g.startswith(("19", "20")) for g in groups if g
    )


@dataclass
class Redaction:
    """Redacted text and the placeholder -> original map that `restore` uses."""

    text: str
    mapping: dict[str, str] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for key in self.mapping:
            kind = key[1:].split(" ")[0]
            out[kind] = out.get(kind, 0) + 1
        return out


class Redactor:
    """One per request: the same value gets the same placeholder across update and passages."""

    def __init__(self) -> None:
        self.mapping: dict[str, str] = {}
        self._reverse: dict[str, str] = {}

    def _token(self, kind: str, value: str) -> str:
        key = f"{kind}:{value}"
        if key not in self._reverse:
            n = sum(1 for k in self.mapping if k.startswith(f"[{kind} ")) + 1
            token = f"[{kind} {n}]"
            self.mapping[token] = value
            self._reverse[key] = token
        return self._reverse[key]

    def redact(self, text: str) -> str:
        text = _EMAIL.sub(lambda m: self._token("email", m.group(0)), text)

        def card(m: re.Match[str]) -> str:
            digits = re.sub(r"\D", "", m.group(0))
            if 13 <= len(digits) <= 19 and luhn_ok(digits):
                return self._token("card", m.group(0))
            return m.group(0)

        text = _CARD.sub(card, text)

        def phone(m: re.Match[str]) -> str:
            return self._token("phone", m.group(0)) if _is_phone(m.group(0)) else m.group(0)

        return _PHONE.sub(phone, text)

    def restore(self, text: str) -> str:
        """Put the originals back; a placeholder the model invented stays as it is."""
        return PLACEHOLDER.sub(lambda m: self.mapping.get(m.group(0), m.group(0)), text)


def redact(text: str) -> Redaction:
    """Redact one text on its own (for callers that do not need a shared Redactor)."""
    r = Redactor()
    return Redaction(r.redact(text), dict(r.mapping))


def restore(text: str, mapping: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: mapping.get(m.group(0), m.group(0)), text)


# -- the model boundary -------------------------------------------------------------------------
class RedactingEngine(Wrapper):
    """Wraps a model engine: personal data becomes placeholders on the way in, and comes back.

    The guard and the answer cache inside the wrapped engine see only the redacted text, so
    neither the model server nor the cache file ever holds an email, phone or card number.
    """

    def rewrite(self, request: Request) -> Draft:
        r = Redactor()
        units = tuple(replace(u, text=r.redact(u.text), spans=()) for u in request.analysis.units)
        analysis = replace(request.analysis, text=r.redact(request.analysis.text), units=units)
        hidden = replace(
            request,
            text=r.redact(request.text),
            analysis=analysis,
            citations=tuple(replace(c, text=r.redact(c.text)) for c in request.citations),
            set_aside=tuple(r.redact(p) for p in request.set_aside),
        )
        draft = self.inner.rewrite(hidden)
        if not r.mapping:
            return draft
        note = "Redacted " + ", ".join(f"{n} {k}(s)" for k, n in _counts(r.mapping).items())
        return replace(
            draft,
            text=r.restore(draft.text),
            questions=tuple(r.restore(q) for q in draft.questions),
            changes=tuple(
                UnitChange(source=r.restore(c.source), became=r.restore(c.became))
                for c in draft.changes
            ),
            findings=(*draft.findings, note + " before sending the text to the model."),
        )


def _counts(mapping: dict[str, str]) -> dict[str, int]:
    return Redaction("", mapping).counts
