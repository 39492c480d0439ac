"""The Batch tab's answer as a person reads it: one line, a bar of what became of the rows, the
report's figures and chart, and which updates failed and why (no gradio here).

A programme manager who runs 30 updates wants to see how it went without opening the file; the
batch report (coach/batch/report.py) already holds the figures and the chart, so the page shows
it rather than computing anything of its own. Every piece of text is escaped.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

from coach.app import handlers, render
from coach.core import Coach
from coach.errors import CoachError
from coach.options import DEFAULT_AUDIENCE, DEFAULT_LENGTH

# What became of the rows, in the bar's order, with its colour (the report's words).
OUTCOMES = (
    ("ok", "rewritten", "#4f46e5"),
    ("fallback", "fell back to the offline coach", "#f59e0b"),
    ("failed", "failed", "#dc2626"),
    ("skipped", "passed through (no text)", "#9ca3af"),
    ("left", "not reached (stopped)", "#e5e7eb"),
)
SHOWN_FAILURES = 20


def _e(text: Any) -> str:
    return escape(str(text), quote=True)


def page_batch(
    coach: Coach,
    path: str | None,
    audience: str | None,
    length: str | None,
    collection: str | None,
    column: str | None = None,
    progress: Callable[[int, int], Any] | None = None,
    stop: Callable[[], bool] | None = None,
) -> tuple[str, list[str] | None, str]:
    """(status sentence, files to download, results HTML) for one run of the Batch tab.

    Bad input is one sentence in the status and every earlier result cleared: a stale file
    under a red "Error" reads as the answer for the new one. A stopped run keeps its file:
    the updates done are rewritten in it, the others are as they were."""
    if not path:
        return render.status("Choose a file of updates first."), None, ""
    try:
        out, counts = handlers.run_batch(
            coach,
            path,
            audience or DEFAULT_AUDIENCE,
            length or DEFAULT_LENGTH,
            collection,
            progress=progress,
            column=column,
            stop=stop,
        )
    except CoachError as exc:
        return render.status(str(exc)), None, ""
    report = counts.get("report") or ""
    files = [out, *[p for p in (report, chart_path(report)) if p and Path(p).is_file()]]
    return stopped_note(counts), files, results(counts)


def stopped_note(counts: dict[str, Any]) -> str:
    """What a stopped run's file holds, in one sentence; "" for a run that finished."""
    if not counts.get("stopped"):
        return ""
    total, left = int(counts["rows"]), int(counts["left"])
    return render.notice(
        f"Stopped after {total - left} of {total} updates. The file below has them rewritten; "
        f"the other {left} are in it as they were, not rewritten."
    )


def chart_path(report: str) -> str:
    """The chart the Markdown report links to, beside it (coach/batch/report.py)."""
    return str(Path(report).with_suffix(".png")) if report else ""


def bar(counts: dict[str, Any]) -> str:
    """One stacked bar of what became of the rows, with a legend that says the numbers."""
    total = max(int(counts.get("rows") or 0), 1)
    parts, legend = [], []
    for key, words, colour in OUTCOMES:
        n = int(counts.get(key) or 0)
        if not n:
            continue
        parts.append(
            f'<span class="seg seg-{key}" style="width:{100 * n / total:.2f}%;'
            f'background:{colour}" title="{n} {_e(words)}"></span>'
        )
        legend.append(
            f'<li><span class="dot" style="background:{colour}"></span>{n} {_e(words)}</li>'
        )
    label = ", ".join(f"{counts.get(k) or 0} {w}" for k, w, _ in OUTCOMES if counts.get(k))
    return (
        f'<div class="coach-bar" role="img" aria-label="{_e(label)}">{"".join(parts)}</div>'
        f'<ul class="coach-legend">{"".join(legend)}</ul>'
    )


def report_lines(report: str) -> list[str]:
    """The report's own summary bullets (process talk, facts kept, meaning kept...)."""
    if not report or not Path(report).is_file():
        return []
    lines = []
    for line in Path(report).read_text(encoding="utf-8").splitlines():
        if line.startswith("!["):  # the summary ends where the chart begins
            break
        if line.startswith("- ") and not line.startswith("- Rows:"):
            lines.append(render.plain(line[2:]))
    return lines


def failures(items: list[tuple[int, str]]) -> str:
    """Which updates failed and why, so nobody has to search the file for coach_error."""
    if not items:
        return ""
    rows = "".join(
        f"<tr><td>{i + 1}</td><td>{_e(render.plain(reason))}</td></tr>"
        for i, reason in items[:SHOWN_FAILURES]
    )
    more = len(items) - SHOWN_FAILURES
    tail = f'<p class="coach-caption">and {more} more: see the file.</p>' if more > 0 else ""
    return (
        f'<details class="coach-failures" open><summary>{len(items)} update(s) could not be '
        "rewritten</summary><table><thead><tr><th>Update</th><th>Why</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>{tail}</details>"
    )


def _chart(path: str) -> str:
    """The report's chart inlined (a data: URL: nothing for the browser to fetch)."""
    data = base64.b64encode(Path(path).read_bytes()).decode()
    return (
        f'<figure class="coach-batch-chart"><img alt="{_e(CHART)}" '
        f'src="data:image/png;base64,{data}"><figcaption>{_e(CHART)}</figcaption></figure>'
    )


CHART = "How much of each update is process talk, before and after the rewrite"


def results(counts: dict[str, Any]) -> str:
    """The whole answer: the summary line, the bar, the figures, the chart, the failures."""
    report = counts.get("report") or ""
    chart = chart_path(report)
    figures = "".join(f"<li>{_e(x)}</li>" for x in report_lines(report))
    return (
        '<div class="coach-batch">'
        f"<p>{_e(handlers.batch_summary(counts).replace('**', ''))}</p>"
        + bar(counts)
        + (f'<ul class="coach-figures">{figures}</ul>' if figures else "")
        + (_chart(chart) if chart and Path(chart).is_file() else "")
        + failures(list(counts.get("failures") or []))
        + "</div>"
    )
