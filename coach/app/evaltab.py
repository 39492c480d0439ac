"""The Eval tab: the eval suite (coach.evals, as `coach eval` runs it) on its first cases."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from coach.app.handlers import out_dir
from coach.core import Coach
from coach.errors import InputError


def run_eval(
    coach: Coach, limit: int, progress: Callable[[int, int], Any] | None = None
) -> tuple[str, list[str], str]:
    """The eval suite (coach.evals, as `coach eval` runs it) on its first `limit` cases:
    (the report as Markdown, its chart images, the HTML report file to download)."""
    from coach.evals import report as eval_report
    from coach.evals import runner
    from coach.evals.dataset import load_cases
    from coach.evals.suite import load_suite

    suite = load_suite()
    path = suite.dataset_path()
    if not path.is_file():
        raise InputError(f"The eval dataset {path} is not installed.")
    cases = suite.select(load_cases(path))[: max(1, int(limit))]
    runner.ensure_corpus(coach)
    done: list[dict[str, Any]] = []

    def step(item: dict[str, Any]) -> None:
        done.append(item)
        if progress:
            progress(len(done), len(cases))

    engine = coach.engine().name
    items = runner.run(coach, cases, engine=engine, suite=suite, progress=step)
    out = out_dir() / f"eval-{int(time.time() * 1000)}"
    meta = {"engine": engine, "cases": len(items), "dataset": path.name, "suite": suite.name}
    summary = runner.write_run(out, items, meta)
    eval_report.write_report(out, items, summary)
    charts = sorted(str(p) for p in (out / "charts").glob("*.png"))
    report = (out / "report.md").read_text(encoding="utf-8")
    # The charts are shown beside the report, full size; the Markdown's relative image links
    # would only be broken images on the page.
    report = "\n".join(ln for ln in report.splitlines() if not ln.startswith("![")).strip()
    return report, charts, str(out / "report.html")
