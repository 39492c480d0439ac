"""One value for the per-call choices of a rewrite, shared by the API, CLI, page and batch.

The audience and length lists and their defaults are defined once, in coach/engines/base.py;
everything that offers them (argparse choices, page radios, dataset checks) reads them here.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from coach.engines.base import AUDIENCES, DEFAULT_AUDIENCE, DEFAULT_LENGTH, LENGTHS
from coach.errors import InputError

_UNSET = ("", "default", "auto")  # what a form sends for "the settings' choice"


@dataclass(frozen=True)
class RewriteOptions:
    """How to rewrite: for whom, how long, against which collection, with which engine.

    `collection` and `engine` None mean the settings' own; `batch` gives the model the batch time
    budget; `metrics` False skips the embedding-based scores (content preservation, link support).
    """

    audience: str = DEFAULT_AUDIENCE
    length: str = DEFAULT_LENGTH
    collection: str | None = None
    engine: str | None = None
    batch: bool = False
    metrics: bool = True

    def __post_init__(self) -> None:
        if self.audience not in AUDIENCES:
            raise InputError(
                f"Unknown audience {self.audience!r}: use one of {', '.join(AUDIENCES)}."
            )
        if self.length not in LENGTHS:
            raise InputError(f"Unknown length {self.length!r}: use one of {', '.join(LENGTHS)}.")

    def with_(self, **changes: Any) -> RewriteOptions:
        """A copy with these choices changed; an unknown name is an InputError."""
        unknown = set(changes) - {f.name for f in fields(self)}
        if unknown:
            raise InputError(f"Unknown rewrite option(s): {', '.join(sorted(unknown))}.")
        return replace(self, **changes) if changes else self

    @classmethod
    def from_form(
        cls,
        audience: str | None = None,
        length: str | None = None,
        collection: str | None = None,
        engine: str | None = None,
        **rest: Any,
    ) -> RewriteOptions:
        """From loosely typed inputs (page fields, CLI flags): empty, "default" and "auto" mean
        the default choice."""
        return cls(
            audience=audience or DEFAULT_AUDIENCE,
            length=length or DEFAULT_LENGTH,
            collection=None if collection in _UNSET else collection,
            engine=None if engine in _UNSET else engine,
            **rest,
        )


__all__ = ["AUDIENCES", "DEFAULT_AUDIENCE", "DEFAULT_LENGTH", "LENGTHS", "RewriteOptions"]
