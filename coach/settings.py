"""Settings: one frozen object, from explicit arguments, then COACH_* env, then OPENAI_* env.

Every knob coach has is listed here and in README.md's "Settings" table.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from coach import engines
from coach.errors import ConfigError

EngineName = str  # one of coach.engines.choices()
DEFAULT_COLLECTION = "strategy"
DEFAULT_MODEL = "gpt-4o-mini"
MAX_INPUT_CHARS = 20_000
# Deadlines (seconds, for the WHOLE answer). A hosted model answers in seconds; a CPU model on
# loopback (llama.cpp) reads the prompt at ~50 tokens/s and writes ~12 tokens/s (1.5B, 2 cores),
# so an update there takes 15-60 s: a loopback server gets the longer defaults.
TIMEOUT, BATCH_TIMEOUT = 30.0, 120.0
LOCAL_TIMEOUT, LOCAL_BATCH_TIMEOUT = 180.0, 300.0


def _is_local(url: str | None) -> bool:
    return bool(url) and re.match(r"https?://(?:127\.|localhost\b|\[::1\])", url or "") is not None


def _env(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else None


def _env_float(name: str, default: float) -> float:
    raw = _env(name)
    if raw is None:
        return default
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}.") from None


def _env_int(name: str, default: int) -> int:
    return int(_env_float(name, default))


def _env_bool(name: str, default: bool) -> bool:
    raw = _env(name)
    if raw is None:
        return default
    return raw.strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Settings:
    """Everything coach can be told. Build with `Settings.load(**overrides)`."""

    home: Path = field(default_factory=lambda: Path("~/.coach").expanduser())
    engine: EngineName = engines.AUTO
    model: str = DEFAULT_MODEL
    collection: str = DEFAULT_COLLECTION
    chroma_url: str | None = None
    chroma_token: str | None = None
    openai_api_key: str | None = None
    openai_base_url: str | None = None
    timeout: float = 30.0
    batch_timeout: float = 120.0
    max_retries: int = 2
    temperature: float = 0.2
    max_tokens: int = 0  # COACH_MAX_TOKENS: cap on a model answer (0: by length, see prompts)
    top_k: int = 3
    max_input_chars: int = MAX_INPUT_CHARS
    redact: bool = False
    host: str = "127.0.0.1"
    port: int = 7860
    auth: str | None = None
    cache: bool = True  # COACH_CACHE: reuse guarded model answers for identical requests
    rpm: float = 0.0  # COACH_RPM: model requests per minute in a batch (0 = no limit)
    tpm: float = 0.0  # COACH_TPM: model tokens per minute in a batch (0 = no limit)

    @classmethod
    def load(cls, **overrides: Any) -> Settings:
        """Explicit arguments win, then COACH_* variables, then the ecosystem's own."""
        unknown = set(overrides) - {f.name for f in fields(cls)}
        if unknown:
            raise ConfigError(f"Unknown setting(s): {', '.join(sorted(unknown))}.")
        home = _env("COACH_HOME")
        env: dict[str, Any] = {
            "home": Path(home).expanduser() if home else Path("~/.coach").expanduser(),
            "engine": (_env("COACH_ENGINE") or engines.AUTO).lower(),
            "model": _env("COACH_MODEL") or DEFAULT_MODEL,
            "collection": _env("COACH_COLLECTION") or DEFAULT_COLLECTION,
            "chroma_url": _env("COACH_CHROMA_URL"),
            "chroma_token": _env("COACH_CHROMA_TOKEN"),
            "openai_api_key": _env("OPENAI_API_KEY"),
            "openai_base_url": _env("OPENAI_BASE_URL"),
            "timeout": _env_float("COACH_TIMEOUT", TIMEOUT),
            "batch_timeout": _env_float("COACH_BATCH_TIMEOUT", BATCH_TIMEOUT),
            "max_retries": _env_int("COACH_MAX_RETRIES", 2),
            "max_tokens": _env_int("COACH_MAX_TOKENS", 0),
            "top_k": _env_int("COACH_TOP_K", 3),
            "max_input_chars": _env_int("COACH_MAX_INPUT_CHARS", MAX_INPUT_CHARS),
            "redact": _env_bool("COACH_REDACT", False),
            "host": _env("COACH_HOST") or "127.0.0.1",
            "port": _env_int("COACH_PORT", 7860),
            "auth": _env("COACH_AUTH"),
            "cache": _env_bool("COACH_CACHE", True),
            "rpm": _env_float("COACH_RPM", 0.0),
            "tpm": _env_float("COACH_TPM", 0.0),
        }
        values = {**env, **{k: v for k, v in overrides.items() if v is not None}}
        if _is_local(values["openai_base_url"]):
            if _env("COACH_TIMEOUT") is None and overrides.get("timeout") is None:
                values["timeout"] = LOCAL_TIMEOUT
            if _env("COACH_BATCH_TIMEOUT") is None and overrides.get("batch_timeout") is None:
                values["batch_timeout"] = LOCAL_BATCH_TIMEOUT
        if isinstance(values["home"], str):
            values["home"] = Path(values["home"]).expanduser()
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        if self.engine not in engines.choices():
            raise ConfigError(
                f"COACH_ENGINE must be one of {', '.join(engines.choices())}, got {self.engine!r}."
            )
        if not 3 <= len(self.collection) <= 512:
            raise ConfigError("A collection name needs 3 to 512 characters.")
        needs_model = self.engine != engines.AUTO and engines.capabilities(self.engine).needs_model
        if needs_model and not self.llm_configured:
            raise ConfigError(
                f"The {self.engine} engine needs a model server: set OPENAI_API_KEY or "
                "OPENAI_BASE_URL."
            )
        if self.top_k < 1:
            raise ConfigError("COACH_TOP_K must be at least 1.")

    @property
    def llm_configured(self) -> bool:
        return bool(self.openai_api_key or self.openai_base_url)

    @property
    def resolved_engine(self) -> str:
        """auto means the model engine when a model server is configured, offline otherwise."""
        return engines.resolve(None, self)

    @property
    def chroma_path(self) -> Path:
        return self.home / "chroma"

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"

    @property
    def models_dir(self) -> Path:
        return self.home / "models"

    def with_(self, **changes: Any) -> Settings:
        new = replace(self, **changes)
        new.validate()
        return new

    def redacted(self) -> dict[str, Any]:
        """A view safe to log or show: secrets are masked."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in ("openai_api_key", "chroma_token", "auth") and value:
                value = "***"
            out[f.name] = str(value) if isinstance(value, Path) else value
        return out
