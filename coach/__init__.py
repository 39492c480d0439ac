"""coach: rewrite status updates from process talk into outcome and IMPACT language."""

from coach.analysis import analyze
from coach.core import Coach
from coach.errors import (
    CoachError,
    ConfigError,
    IngestError,
    InputError,
    ModelAuthError,
    ModelError,
    StoreError,
    StoreLockedError,
)
from coach.settings import Settings
from coach.types import Alignment, Analysis, Citation, FactCheck, RewriteResult, Span, Unit

__version__ = "0.1.0"

__all__ = [
    "Alignment",
    "Analysis",
    "Citation",
    "Coach",
    "CoachError",
    "ConfigError",
    "FactCheck",
    "IngestError",
    "InputError",
    "ModelAuthError",
    "ModelError",
    "RewriteResult",
    "Settings",
    "Span",
    "StoreError",
    "StoreLockedError",
    "Unit",
    "__version__",
    "analyze",
]
