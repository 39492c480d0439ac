"""Suite definitions (eval/suites/*.yaml): which dataset, which gate thresholds, what regresses."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coach.errors import ConfigError
from coach.evals.metrics import GATES

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SUITE = ROOT / "eval" / "suites" / "default.yaml"


@dataclass(frozen=True)
class Suite:
    """Gates are threshold overrides by name (None turns a gate off)."""

    name: str = "default"
    dataset: str = "eval/cases.jsonl"
    gates: dict[str, Any] = field(default_factory=dict)
    # compare: a gate regresses when its pass rate drops by more than `tolerance` (a share),
    # or when any item newly fails one of the `critical` gates.
    tolerance: float = 0.0
    critical: tuple[str, ...] = ()
    min_pass_rate: float | None = None
    ids: tuple[str, ...] = ()  # a fixed subset of the dataset's cases; empty = all

    def select(self, cases: list[Any]) -> list[Any]:
        return [c for c in cases if c.id in set(self.ids)] if self.ids else cases

    def dataset_path(self) -> Path:
        p = Path(self.dataset)
        return p if p.is_absolute() or p.exists() else ROOT / p


def load_suite(path: str | Path | None = None) -> Suite:
    """Read a suite YAML; unknown gate names are an error so a typo cannot silence a gate."""
    from coach import yaml_io

    p = Path(path) if path else DEFAULT_SUITE
    if not p.is_file():
        if path is None:
            return Suite()
        raise ConfigError(f"Suite file {str(p)!r} does not exist.")
    try:
        raw = yaml_io.load(p.read_text(encoding="utf-8")) or {}
    except yaml_io.YAMLError as exc:
        raise ConfigError(f"Suite file {str(p)!r} is not valid YAML ({exc}).") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"Suite file {str(p)!r} must be a mapping.")
    gates = raw.get("gates") or {}
    compare = raw.get("compare") or {}
    unknown = [g for g in [*gates, *compare.get("critical", [])] if g not in GATES]
    if unknown:
        raise ConfigError(
            f"Suite {p.name}: unknown gate(s) {', '.join(unknown)}; known: {', '.join(GATES)}."
        )
    return Suite(
        name=str(raw.get("name") or p.stem),
        dataset=str(raw.get("dataset") or "eval/cases.jsonl"),
        gates=dict(gates),
        tolerance=float(compare.get("tolerance", 0.0)),
        critical=tuple(compare.get("critical", ())),
        min_pass_rate=compare.get("min_pass_rate"),
        ids=tuple(str(i) for i in raw.get("cases") or ()),
    )
