"""What every ingest loader shares: heading stacks, default titles, short reasons, decoding."""

from __future__ import annotations

from pathlib import Path

from coach.errors import IngestError, InputError
from coach.ingest.chunking import split_heading
from coach.untrusted import decode

Stack = list[tuple[int, str, str]]  # (level, heading, pillar id)


def default_title(name: str) -> str:
    return Path(name).stem.replace("-", " ").replace("_", " ").strip().title()


def nest(stack: Stack, level: int, text: str) -> Stack:
    heading, pid = split_heading(text)
    return [h for h in stack if h[0] < level] + [(level, heading, pid)]


def heads(stack: Stack) -> list[tuple[str, str]]:
    return [(h, p) for _, h, p in stack]


def short(exc: Exception) -> str:
    text = str(exc).strip().rstrip(".") or type(exc).__name__
    return text[:120]


def text_of(data: bytes, name: str) -> str:
    """The one decoding policy (coach.untrusted), as an IngestError that names the file."""
    try:
        return decode(data, what=f"file {name}")[0]
    except IngestError:
        raise
    except InputError as exc:
        raise IngestError(str(exc), name) from None
