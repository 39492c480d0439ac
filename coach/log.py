"""Logging that cannot leak: a filter on every coach handler masks API keys and tokens, and
status text is referred to by length and hash only (`text_ref`), never logged verbatim.

Why a filter and not discipline alone: the openai/httpx loggers write request headers at DEBUG,
and a traceback can carry a key in a repr; masking at the handler catches what review misses.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import sys
from collections.abc import Iterable

LOGGER = "coach"
MASK = "***"

# Key-shaped strings: OpenAI (sk-..., sk-proj-...), bearer tokens, and key=value pairs.
_PATTERNS = (
    re.compile(r"\bsk-[A-Za-z0-9_-]{8,}"),
    re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"),
    re.compile(
        r"(?i)\b((?:api[_-]?key|token|secret|password|authorization|x-chroma-token)"
        r"[\"']?\s*[:=]\s*[\"']?)[^\s\"',}]{4,}"
    ),
)
_SECRET_ENV = ("OPENAI_API_KEY", "COACH_CHROMA_TOKEN", "COACH_AUTH", "AZURE_OPENAI_API_KEY")


def text_ref(text: str) -> str:
    """How status text appears in a log: its length and a short hash, never its words."""
    digest = hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:12]
    return f"<text len={len(text)} sha256={digest}>"


def mask(message: str, secrets: Iterable[str] = ()) -> str:
    """The message with every known secret and key-shaped string replaced by ***."""
    for secret in sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True):
        message = message.replace(secret, MASK)
        if ":" in secret:  # COACH_AUTH user:password: the password alone is secret too
            pw = secret.split(":", 1)[1]
            if len(pw) >= 4:
                message = message.replace(pw, MASK)
    message = _PATTERNS[0].sub(MASK, message)
    message = _PATTERNS[1].sub(lambda m: f"{m.group(1)} {MASK}", message)
    return _PATTERNS[2].sub(lambda m: f"{m.group(1)}{MASK}", message)


class RedactingFilter(logging.Filter):
    """Masks secrets in the final message (args and exception text included)."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def _all_secrets(self) -> list[str]:
        env = [os.environ.get(name) or "" for name in _SECRET_ENV]
        return [*self.secrets, *env]

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = self._all_secrets()
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = str(record.msg)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg, record.args = mask(message, secrets), None
        if record.exc_text:
            record.exc_text = mask(record.exc_text, secrets)
        record.exc_info = None if record.exc_text else record.exc_info
        if record.stack_info:
            record.stack_info = mask(record.stack_info, secrets)
        return True


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is now (as logging's last resort does), so a handler set
    up under a redirected stderr (tests, embedding apps) never writes to a closed stream."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        pass


def setup_logging(
    level: str | int | None = None,
    *,
    secrets: Iterable[str] = (),
    stream: object = None,
    filename: str | os.PathLike[str] | None = None,
) -> logging.Handler:
    """One handler on the root logger (COACH_LOG_LEVEL, default WARNING), masking secrets.

    The filter sits on the handler, so records from openai, httpx and chromadb are masked too.
    Calling it again replaces coach's handler instead of adding a second one.
    """
    level = level or os.environ.get("COACH_LOG_LEVEL") or "WARNING"
    if isinstance(level, str):
        level = logging.getLevelName(level.upper())
        if not isinstance(level, int):
            level = logging.WARNING
    handler: logging.Handler
    if filename is not None:
        handler = logging.FileHandler(filename, encoding="utf-8")
    elif stream is not None:
        handler = logging.StreamHandler(stream)  # type: ignore[call-overload]
    else:
        handler = _Stderr()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    handler.set_name("coach")
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "coach"]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(level)
    return handler


def log_text(logger: logging.Logger, what: str, text: str) -> None:
    """Note a piece of status text at DEBUG, by reference: length and hash, never content."""
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug("%s %s", what, text_ref(text))
