"""The eval suite: score rewrites against their sources, run datasets, compare runs, gate CI.

`coach.evals.metrics.score(source, rewrite)` is the one per-pair scorer everything else uses.
"""

from __future__ import annotations

__all__ = ["score"]


def score(*args: object, **kwargs: object) -> dict[str, object]:
    """Lazy alias of `coach.evals.metrics.score`, so importing the package stays cheap."""
    from coach.evals.metrics import score as _score

    return _score(*args, **kwargs)  # type: ignore[arg-type]
