"""coach: rewrite status updates from process talk into outcome and IMPACT language."""

import os

# numpy's OpenBLAS starts a thread per core that spin-waits between calls; coach's matrix
# products are small (a few hundred passages x 384), so the threads only burn CPU: with them the
# first rewrite of a process cost 0.15 s CPU, without 0.06 s (docs/benchmarks.md). The heavy
# work, embedding, runs in onnxruntime's own pool. Only a default: set it to override, and a
# program that imported numpy before coach keeps its own setting.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

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
