"""One error tree for coach. The CLI and the page turn any of these into one clear sentence.

    CoachError                      root: everything coach raises on purpose
    ├── ConfigError                 you configured it wrong (settings, missing model files)
    ├── InputError                  the text or file you gave cannot be used
    │   └── IngestError             a strategy document could not be read
    ├── StoreError                  the vector store failed (open, health check, write)
    │   └── StoreLockedError        another process is writing to the same local store
    └── ModelError                  the model server failed (HTTP status and body kept)
        ├── ModelAuthError          401 / insufficient_quota: retrying will not help
        └── GuardError              the model answered, but the answer failed the guard

"You used it wrong" errors (ConfigError, InputError) are final; "the world failed" errors
(StoreError, ModelError) may pass on a retry.
"""

from __future__ import annotations


class CoachError(Exception):
    """Root of every error coach raises on purpose; its message is one sentence for a person."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConfigError(CoachError):
    """The settings or installation are wrong; the message says what to change."""

    exit_code = 2


class InputError(CoachError):
    """The input cannot be used (empty, too large, binary, malformed)."""

    exit_code = 2


class IngestError(InputError):
    """A strategy document could not be read; other documents are unaffected."""

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class StoreError(CoachError):
    """The vector store could not be opened, checked or written."""


class StoreLockedError(StoreError):
    """Another process holds the write lock of this local store."""

    exit_code = 2


class ModelError(CoachError):
    """The model server failed; status and body are kept for diagnosis."""

    def __init__(self, message: str, status: int | None = None, body: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.body = body


class ModelAuthError(ModelError):
    """The model server refused the key or the quota is used up; retrying will not help."""

    exit_code = 2


class GuardError(ModelError):
    """The model's answer (after its repair round) failed the guard; `violations` say how.

    Raised by an engine, caught by the fallback engine, which keeps the message as a finding."""

    def __init__(
        self, message: str, violations: tuple[str, ...] = (), *, injection: bool = False
    ) -> None:
        super().__init__(message)
        self.violations = violations
        self.injection = injection


__all__ = [
    "CoachError",
    "ConfigError",
    "GuardError",
    "IngestError",
    "InputError",
    "ModelAuthError",
    "ModelError",
    "StoreError",
    "StoreLockedError",
]
