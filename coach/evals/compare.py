"""Compare two runs item by item and gate by gate; a regression makes `coach eval compare` fail.

Only items present in both runs are compared, so a run over a subset of a dataset (the CI gate)
can be checked against the committed full baseline.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coach.errors import InputError
from coach.evals.metrics import GATES
from coach.evals.runner import SUMMARY_METRICS, summarize


def load_items(run: str | Path) -> list[dict[str, Any]]:
    """A run's items: RUN may be the run folder or its items.jsonl."""
    p = Path(run)
    path = p / "items.jsonl" if p.is_dir() else p
    if not path.is_file():
        raise InputError(f"No eval run at {str(p)!r}: expected a folder with items.jsonl.")
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError:
                raise InputError(f"{path} line {n} is not valid JSON.") from None
    return items


@dataclass
class Comparison:
    """What changed from run A to run B over their common items."""

    common: int
    only_a: list[str]
    only_b: list[str]
    gates: dict[str, dict[str, float]]  # gate -> rate_a, rate_b, delta
    means: dict[str, dict[str, float]]  # metric -> a, b, delta
    newly_failed: dict[str, list[str]]  # item id -> gates it fails in B but passed in A
    newly_passed: dict[str, list[str]]
    regressions: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def compare(
    a: list[dict[str, Any]],
    b: list[dict[str, Any]],
    tolerance: float = 0.0,
    critical: tuple[str, ...] = (),
) -> Comparison:
    """A gate regresses when its pass rate drops by more than `tolerance`, or when an item
    newly fails a `critical` gate (facts, injection: gates where one failure is too many)."""
    by_a = {i["id"]: i for i in a}
    by_b = {i["id"]: i for i in b}
    ids = [i for i in by_a if i in by_b]
    sa, sb = summarize([by_a[i] for i in ids]), summarize([by_b[i] for i in ids])
    gates = {}
    for g in GATES:
        ra, rb = sa["gates"].get(g, {}).get("rate"), sb["gates"].get(g, {}).get("rate")
        if ra is not None or rb is not None:
            gates[g] = {"a": ra, "b": rb, "delta": round((rb or 0) - (ra or 0), 4)}
    gates["all"] = {
        "a": sa["pass_rate"],
        "b": sb["pass_rate"],
        "delta": round(sb["pass_rate"] - sa["pass_rate"], 4),
    }
    means = {}
    for m in SUMMARY_METRICS:
        va, vb = sa["means"].get(m), sb["means"].get(m)
        if va is not None and vb is not None:
            means[m] = {"a": va, "b": vb, "delta": round(vb - va, 4)}
    newly_failed, newly_passed = {}, {}
    for i in ids:
        fa, fb = set(by_a[i].get("failed_gates", ())), set(by_b[i].get("failed_gates", ()))
        if worse := sorted(fb - fa):
            newly_failed[i] = worse
        if better := sorted(fa - fb):
            newly_passed[i] = better
    regressions = [
        f"gate {g}: pass rate {v['a']:.1%} -> {v['b']:.1%}"
        for g, v in gates.items()
        if v["a"] is not None and v["b"] is not None and v["delta"] < -tolerance - 1e-9
    ]
    for i, worse in newly_failed.items():
        hit = [g for g in worse if g in critical or g == "error"]
        if hit:
            regressions.append(f"item {i} newly fails {', '.join(hit)}")
    return Comparison(
        common=len(ids),
        only_a=[i for i in by_a if i not in by_b],
        only_b=[i for i in by_b if i not in by_a],
        gates=gates,
        means=means,
        newly_failed=newly_failed,
        newly_passed=newly_passed,
        regressions=regressions,
    )


def render(c: Comparison, name_a: str = "A", name_b: str = "B", max_items: int = 30) -> str:
    """A plain-text report for the terminal (and CI logs)."""
    lines = [f"Compared {c.common} common item(s): A = {name_a}, B = {name_b}"]
    if c.only_a or c.only_b:
        lines.append(f"  only in A: {len(c.only_a)}, only in B: {len(c.only_b)} (not compared)")
    lines += ["", f"{'gate':24} {'A':>8} {'B':>8} {'delta':>8}"]
    for g, v in c.gates.items():
        fa = "-" if v["a"] is None else f"{v['a']:.1%}"
        fb = "-" if v["b"] is None else f"{v['b']:.1%}"
        lines.append(f"{g:24} {fa:>8} {fb:>8} {v['delta']:>+8.1%}")
    lines += ["", f"{'metric (mean)':24} {'A':>8} {'B':>8} {'delta':>8}"]
    for m, v in c.means.items():
        lines.append(f"{m:24} {v['a']:>8.3f} {v['b']:>8.3f} {v['delta']:>+8.3f}")
    for title, rows in (("newly failing", c.newly_failed), ("newly passing", c.newly_passed)):
        if rows:
            lines += ["", f"Items {title} ({len(rows)}):"]
            for i, gates in list(rows.items())[:max_items]:
                lines.append(f"  {i}: {', '.join(gates)}")
            if len(rows) > max_items:
                lines.append(f"  ... and {len(rows) - max_items} more")
    lines.append("")
    if c.regressions:
        lines.append(f"REGRESSION ({len(c.regressions)}):")
        lines += [f"  {r}" for r in c.regressions]
    else:
        lines.append("No gate regressed.")
    return "\n".join(lines)
