"""The engine seam: one interface, chosen by settings. Engines never see the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

from coach.types import Analysis, Citation

Audience = Literal["executive", "team", "client"]
Length = Literal["brief", "standard"]
AUDIENCES: tuple[str, ...] = ("executive", "team", "client")
LENGTHS: tuple[str, ...] = ("brief", "standard")


@dataclass(frozen=True)
class Request:
    """What an engine gets: the cleaned update, its analysis and the retrieved passages."""

    text: str
    analysis: Analysis
    citations: tuple[Citation, ...]
    audience: Audience = "executive"
    length: Length = "standard"
    set_aside: tuple[str, ...] = ()  # instruction passages quarantined out of `text`


@dataclass(frozen=True)
class Draft:
    """What an engine returns; the core adds the fact check and alignment."""

    text: str
    questions: tuple[str, ...] = ()
    cited: tuple[str, ...] = ()  # ids of the citations the text relies on
    findings: tuple[str, ...] = ()
    prompt_version: str = ""
    model: str = ""
    engine: str = ""
    extra: dict[str, object] = field(default_factory=dict)


class Engine(Protocol):
    name: str

    def rewrite(self, request: Request) -> Draft: ...
