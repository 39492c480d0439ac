"""The engine registry: one line per engine, and everything else (settings, CLI, page) derives from it.

Adding an engine is one module with a class taking `Settings` and one `EngineSpec` line below.
A spec names its class as "module:Class" so that listing engines or reading their capabilities
imports nothing heavy (the llm engine pulls in LangChain only when it is built).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from coach.engines.base import (
    AUDIENCES,
    DEFAULT_AUDIENCE,
    DEFAULT_LENGTH,
    LENGTHS,
    Capabilities,
    Draft,
    Engine,
    Request,
)
from coach.errors import ConfigError

if TYPE_CHECKING:
    from coach.settings import Settings

AUTO = "auto"  # the model engine when a model server is configured, else the first without one
FALLBACK = "offline"  # what a failing model engine falls back to


@dataclass(frozen=True)
class EngineSpec:
    name: str
    target: str  # "module:Class"; the class is called with the Settings
    capabilities: Capabilities


ENGINES: dict[str, EngineSpec] = {
    spec.name: spec
    for spec in (
        EngineSpec(
            "offline",
            "coach.engines.offline:OfflineEngine",
            Capabilities(label="deterministic, no model"),
        ),
        EngineSpec(
            "llm",
            "coach.engines.llm:LLMEngine",
            Capabilities(
                streams=True, needs_model=True, concurrent=True, label="OpenAI-compatible model"
            ),
        ),
    )
}


def names() -> tuple[str, ...]:
    """The registered engines, in registry order."""
    return tuple(ENGINES)


def choices() -> tuple[str, ...]:
    """What COACH_ENGINE, --engine and the page accept."""
    return (*ENGINES, AUTO)


def capabilities(name: str) -> Capabilities:
    return _spec(name).capabilities


def resolve(name: str | None, settings: Settings) -> str:
    """The registered engine a choice means: None is the settings' engine; auto picks by settings."""
    choice = name or settings.engine
    if choice != AUTO:
        return _spec(choice).name
    wanted = settings.llm_configured
    for spec in ENGINES.values():
        if spec.capabilities.needs_model == wanted:
            return spec.name
    return FALLBACK


def available(settings: Settings) -> tuple[str, ...]:
    """The engines these settings can run (a model engine only when a server is configured)."""
    return tuple(
        n for n, s in ENGINES.items() if settings.llm_configured or not s.capabilities.needs_model
    )


def build(name: str, settings: Settings) -> Engine:
    """A ready engine: the class from the registry, wrapped as its capabilities require."""
    spec = _spec(name)
    module, _, cls = spec.target.partition(":")
    engine: Engine = getattr(importlib.import_module(module), cls)(settings)
    return wrap(engine, settings, spec.capabilities)


def wrap(engine: Engine, settings: Settings, caps: Capabilities) -> Engine:
    """A model engine gets redaction (COACH_REDACT) and the offline fallback; others run as they are."""
    if not caps.needs_model:
        return engine
    if settings.redact:
        from coach.redact import RedactingEngine

        engine = RedactingEngine(engine)
    from coach.engines.fallback import FallbackEngine

    return FallbackEngine(engine, build(FALLBACK, settings))


def identity(engine: Engine) -> tuple[str, str]:
    """(prompt version, model) of an engine: what its output depends on, for journals and caches."""
    return getattr(engine, "prompt_version", "") or engine.name, getattr(engine, "model_name", "")


def _spec(name: str) -> EngineSpec:
    try:
        return ENGINES[name]
    except KeyError:
        raise ConfigError(f"Unknown engine {name!r}: use {', '.join(choices())}.") from None


__all__ = [
    "AUDIENCES",
    "AUTO",
    "DEFAULT_AUDIENCE",
    "DEFAULT_LENGTH",
    "ENGINES",
    "FALLBACK",
    "LENGTHS",
    "Capabilities",
    "Draft",
    "Engine",
    "EngineSpec",
    "Request",
    "available",
    "build",
    "capabilities",
    "choices",
    "identity",
    "names",
    "resolve",
    "wrap",
]
