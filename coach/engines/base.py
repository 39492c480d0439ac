"""The engine seam: one interface, one call (`engine.rewrite(request)`). Engines never see the store.

An engine that cannot deliver a guarded rewrite raises ModelError (GuardError when the answer
failed the guard); the fallback engine (coach/engines/fallback.py) decides what happens next.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from coach.types import Analysis, Citation, FactCheck, UnitChange

Audience = Literal["executive", "team", "client"]
Length = Literal["brief", "standard"]
AUDIENCES: tuple[str, ...] = ("executive", "team", "client")
LENGTHS: tuple[str, ...] = ("brief", "standard")
DEFAULT_AUDIENCE: Audience = "executive"
DEFAULT_LENGTH: Length = "standard"


@dataclass(frozen=True)
class Capabilities:
    """What an engine can do, known without importing it (settings, CLI and page read these)."""

    streams: bool = False  # calls request.on_token with the draft as it arrives
    needs_model: bool = False  # talks to a model server: needs one configured, may fail, may cost
    honours_audience: bool = True
    honours_length: bool = True
    concurrent: bool = False  # rows of a batch may run in parallel (rate limits apply)
    label: str = ""  # one phrase for help text and dropdowns


@dataclass(frozen=True)
class Request:
    """What an engine gets: the cleaned update, its analysis, the passages and per-call options."""

    text: str
    analysis: Analysis
    citations: tuple[Citation, ...]
    audience: Audience = DEFAULT_AUDIENCE
    length: Length = DEFAULT_LENGTH
    set_aside: tuple[str, ...] = ()  # instruction passages quarantined out of `text`
    batch: bool = False  # a batch row: the batch time budget instead of the interactive one
    on_token: Callable[[str], None] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Draft:
    """What an engine returns; the core adds the fact check and alignment."""

    text: str
    questions: tuple[str, ...] = ()
    cited: tuple[str, ...] = ()  # ids of the citations the text relies on
    findings: tuple[str, ...] = ()  # notes for the person: cache hits, repairs, fallback reasons
    prompt_version: str = ""
    model: str = ""
    engine: str = ""  # the tag the result carries (e.g. "offline-fallback"); "" = engine.name
    changes: tuple[UnitChange, ...] = ()  # what each source unit became
    mode: str = ""  # the structured-output mode the model answered in (llm)
    fell_back: bool = False  # the primary engine failed and this is the fallback's draft
    facts: FactCheck | None = None  # the code fact check, when the fallback engine ran it


class Engine(Protocol):
    """Anything with a name and `rewrite(request) -> Draft`."""

    name: str

    def rewrite(self, request: Request) -> Draft: ...


class Wrapper:
    """An engine around another one (fallback, redaction): it answers to the inner engine's name
    and reports its prompt and model, so caches and batch journals key on what really ran."""

    def __init__(self, inner: Engine) -> None:
        self.inner = inner
        self.name = inner.name

    @property
    def prompt_version(self) -> str:
        return str(getattr(self.inner, "prompt_version", ""))

    @property
    def model_name(self) -> str:
        return str(getattr(self.inner, "model_name", ""))
