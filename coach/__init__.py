"""coach: rewrite status updates from process talk into outcome and IMPACT language."""

from coach.analysis import analyze
from coach.core import Coach
from coach.errors import (
    CoachError,
    ConfigError,
    GuardError,
    IngestError,
    InputError,
    ModelAuthError,
    ModelError,
    StoreError,
    StoreLockedError,
)
from coach.options import RewriteOptions
from coach.settings import Settings
from coach.types import (
    Alignment,
    Analysis,
    Citation,
    FactCheck,
    RewriteResult,
    Scores,
    Span,
    Unit,
    UnitChange,
)

__version__ = "0.1.0"

__all__ = [
    "Alignment",
    "Analysis",
    "Citation",
    "Coach",
    "CoachError",
    "ConfigError",
    "FactCheck",
    "GuardError",
    "IngestError",
    "InputError",
    "ModelAuthError",
    "ModelError",
    "RewriteOptions",
    "RewriteResult",
    "Scores",
    "Settings",
    "Span",
    "StoreError",
    "StoreLockedError",
    "Unit",
    "UnitChange",
    "__version__",
    "analyze",
]
