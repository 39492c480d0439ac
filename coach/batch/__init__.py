"""Batch rewrite: whole files in, whole files out, in order, journalled, nothing lost."""

from coach.batch.formats import open_format
from coach.batch.runner import Options, Summary, rewrite_many, run_batch

__all__ = ["Options", "Summary", "open_format", "rewrite_many", "run_batch"]
