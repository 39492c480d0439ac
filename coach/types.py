"""The results coach returns: plain frozen dataclasses that serialise to JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, Literal

Label = Literal["process", "outcome", "mixed", "other"]
EngineTag = str  # the engine's name, or "<fallback>-fallback" (see coach/engines/fallback.py)


class _Serialisable:
    _derived: ClassVar[tuple[str, ...]] = ()  # properties that to_dict adds to the fields

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = asdict(self)  # type: ignore[call-overload]
        for name in self._derived:
            value = getattr(self, name)
            d[name] = round(value, 4) if isinstance(value, float) else value
        return d

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)


@dataclass(frozen=True)
class Span(_Serialisable):
    """A flagged stretch of a unit; offsets are into the whole analysed text."""

    start: int
    end: int
    category: str  # tool, ceremony, artifact, activity, methodology, effort, filler
    explanation: str
    text: str = ""
    suggestion: str = ""


@dataclass(frozen=True)
class Unit(_Serialisable):
    """One sentence or bullet of an update, with its label and what was seen in it."""

    text: str
    start: int
    end: int
    label: Label
    spans: tuple[Span, ...] = ()
    signals: tuple[str, ...] = ()  # outcome signals: beneficiary, change, measure, strategy
    question: str = ""
    kind: str = "sentence"  # sentence | bullet | checkbox
    score: float = 0.0  # the process/outcome evidence behind the label, for inspection


@dataclass(frozen=True)
class Analysis(_Serialisable):
    """What the coach sees in an update: units, process-talk spans and density."""

    text: str
    units: tuple[Unit, ...]
    _derived = ("process_density", "counts")

    @property
    def spans(self) -> tuple[Span, ...]:
        return tuple(s for u in self.units for s in u.spans)

    @property
    def unit_texts(self) -> list[str]:
        """Its units' texts, or the whole text when it has no unit (one long word, only
        punctuation): what content preservation embeds, so a text is never nothing."""
        return [u.text for u in self.units] or [self.text]

    @property
    def process_density(self) -> float:
        """Share of labelled units that are pure process talk, in [0, 1]."""
        scored = [u for u in self.units if u.label != "other"]
        if not scored:
            return 0.0
        return sum(u.label == "process" for u in scored) / len(scored)

    @property
    def counts(self) -> dict[str, int]:
        out = {"process": 0, "outcome": 0, "mixed": 0, "other": 0}
        for u in self.units:
            out[u.label] += 1
        return out


@dataclass(frozen=True)
class Citation(_Serialisable):
    """A strategy passage behind an impact claim."""

    id: str
    source: str
    text: str
    score: float
    title: str = ""
    section: str = ""
    pillar: str = ""
    page: int | None = None

    @property
    def context(self) -> str:
        """Everything a rewrite may quote from this passage: title, section and text."""
        return f"{self.title}\n{self.section}\n{self.text}"


@dataclass(frozen=True)
class FactCheck(_Serialisable):
    """Facts in = facts out: what the rewrite lost and what it invented."""

    missing: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    kept: int = 0
    total: int = 0
    found: int = 0  # facts in the rewrite (kept, allowed from passages, or added)
    _derived = ("ok",)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.added

    @property
    def recall(self) -> float:
        """Share of the update's facts the rewrite kept (1.0 for an update with none)."""
        return self.kept / self.total if self.total else 1.0

    @property
    def precision(self) -> float:
        """Share of the rewrite's facts that are not invented (1.0 for a rewrite with none)."""
        return 1 - len(self.added) / self.found if self.found else 1.0


@dataclass(frozen=True)
class Alignment(_Serialisable):
    """Which strategic pillar one unit of work serves; pillar "" means unmapped work."""

    unit: str
    pillar: str
    score: float  # the calibrated (normalised) score of the closest passage
    source: str = ""
    passage: str = ""  # id of the closest passage, mapped or not


@dataclass(frozen=True)
class UnitChange(_Serialisable):
    """What one unit of the update became in the rewrite.

    `how` (offline engine): kept, moved, condensed, folded or set aside."""

    source: str
    became: str
    how: str = ""


@dataclass(frozen=True)
class Scores(_Serialisable):
    """Figures about one rewrite, computed once with it (coach/scoring.py) and read by the page,
    batch and eval; None where a figure was not computed (embeddings off) or does not apply."""

    facts_recall: float = 1.0
    facts_precision: float = 1.0
    process_density_before: float = 0.0
    process_density_after: float = 0.0
    outcome_signals_before: tuple[str, ...] = ()
    outcome_signals_after: tuple[str, ...] = ()
    grade_level: float = 0.0
    grade_level_source: float = 0.0
    avg_sentence_words: float = 0.0
    words_source: int = 0
    words_rewrite: int = 0
    length_ratio: float | None = None
    content_preservation: float | None = None  # cosine of source and rewrite (MiniLM)
    link_support: float | None = None  # strategy-claim sentences vs the passages they cite


@dataclass(frozen=True)
class RewriteResult(_Serialisable):
    """A rewrite with everything needed to trust it: facts, citations, questions, findings."""

    text: str
    engine: EngineTag
    source: str
    analysis: Analysis
    citations: tuple[Citation, ...] = ()  # earned: above the calibrated threshold only
    questions: tuple[str, ...] = ()
    facts: FactCheck = field(default_factory=FactCheck)
    alignment: tuple[Alignment, ...] = ()
    findings: tuple[str, ...] = ()  # guard findings and fallback reasons
    changes: tuple[UnitChange, ...] = ()  # per source unit, what it became (llm engine)
    fell_back: bool = False  # the chosen engine failed; `engine` names the fallback that wrote it
    scores: Scores = field(default_factory=Scores)
    mode: str = ""  # llm: the structured-output mode the server answered in (json_schema, ...)
    prompt_version: str = ""
    model: str = ""
    collection: str = ""
    elapsed_ms: float = 0.0
    # The closest passage when none earned a citation: a weaker hint, never cited in the text.
    suggestion: Citation | None = None

    @property
    def unmapped(self) -> tuple[str, ...]:
        return tuple(a.unit for a in self.alignment if not a.pillar)

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "engine": self.engine,
            "source": self.source,
            "analysis": self.analysis.to_dict(),
            "citations": [c.to_dict() for c in self.citations],
            "questions": list(self.questions),
            "facts": self.facts.to_dict(),
            "alignment": [a.to_dict() for a in self.alignment],
            "unmapped": list(self.unmapped),
            "findings": list(self.findings),
            "changes": [c.to_dict() for c in self.changes],
            "fell_back": self.fell_back,
            "scores": self.scores.to_dict(),
            "mode": self.mode,
            "prompt_version": self.prompt_version,
            "model": self.model,
            "collection": self.collection,
            "elapsed_ms": round(self.elapsed_ms, 2),
            "suggestion": self.suggestion.to_dict() if self.suggestion else None,
        }
