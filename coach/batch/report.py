"""The batch report: per-row scores and a summary, as Markdown or HTML with a chart.

The summary answers what a PMO asks of a batch: how much process talk went, were the facts
kept, which work maps to no strategic pillar. The chart (drawn by coach.evals.report)
compares process density before and after.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import Any

from coach.batch.columns import REPORT_HEAD, report_cells
from coach.batch.formats import atomic_path


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else 0.0


def summarise(journal: Any) -> dict[str, Any]:
    """One streaming pass over the journal: totals and means (the rows are not kept)."""
    before: list[float] = []
    after: list[float] = []
    content: list[float] = []
    kept = total = facts_ok = rows = unmapped = 0
    for _, p in journal.payloads():
        rows += 1
        if p["status"] == "failed":
            continue
        s = p.get("scores", {})
        before.append(s.get("process_density_before") or 0.0)
        after.append(s.get("process_density_after") or 0.0)
        if s.get("content_preservation") is not None:
            content.append(s["content_preservation"])
        kept += p.get("facts_kept", 0)
        total += p.get("facts_total", 0)
        facts_ok += bool(p.get("facts_ok"))
        unmapped += len(p.get("unmapped", []))
    return {
        "rows": rows,
        "rewritten": len(before),
        "process_before": _mean(before),
        "process_after": _mean(after),
        "content_preservation": _mean(content) if content else None,
        "facts_kept": kept,
        "facts_total": total,
        "rows_facts_ok": facts_ok,
        "unmapped_units": unmapped,
        "hist": (before, after),
    }


def chart_png(before: list[float], after: list[float]) -> bytes:
    from coach.evals.report import before_after_png  # matplotlib lives behind the eval report

    return before_after_png(before, after, "rows")


def write_report(journal: Any, path: str | Path, summary: Any) -> Path:
    """Markdown for .md, HTML (chart inlined) for .html/.htm; the chart PNG sits beside .md."""
    out = Path(path)
    agg = summarise(journal)
    png = chart_png(*agg["hist"])
    is_html = out.suffix.lower() in (".html", ".htm")
    cp = agg["content_preservation"]
    lines = [
        f"Rows: {summary.total} ({summary.ok} succeeded, {summary.fallback} fell back to the "
        f"offline coach, {summary.failed} failed, {summary.skipped} passed through).",
        f"Process talk: {agg['process_before']:.0%} of units before, "
        f"{agg['process_after']:.0%} after (mean per row).",
        f"Facts kept: {agg['facts_kept']}/{agg['facts_total']}; rows with every fact kept: "
        f"{agg['rows_facts_ok']}/{agg['rewritten']}.",
        f"Unmapped work: {agg['unmapped_units']} unit(s) serve no strategic pillar.",
        "Content preserved (mean): " + ("n/a" if cp is None else f"{cp:.2f}") + ".",
    ]
    if summary.stopped:  # the page's Stop: say what the file holds
        lines.insert(
            1,
            f"Stopped: {summary.left} row(s) not reached are in the output as they were, "
            "not rewritten.",
        )
    with atomic_path(out) as tmp, tmp.open("w", encoding="utf-8") as fh:
        if is_html:
            b64 = base64.b64encode(png).decode()
            fh.write("<!doctype html><meta charset='utf-8'><title>coach batch report</title>\n")
            fh.write("<h1>Batch report</h1>\n<ul>")
            fh.writelines(f"<li>{html.escape(x)}</li>" for x in lines)
            fh.write(f"</ul>\n<img alt='process talk chart' src='data:image/png;base64,{b64}'>\n")
            fh.write("<table><tr>" + "".join(f"<th>{h}</th>" for h in REPORT_HEAD) + "</tr>\n")
            for idx, p in journal.payloads():
                tds = "".join(f"<td>{html.escape(c)}</td>" for c in report_cells(idx, p))
                fh.write(f"<tr>{tds}</tr>\n")
            fh.write("</table>\n")
        else:
            chart = out.with_suffix(".png")
            chart.write_bytes(png)
            fh.write("# Batch report\n\n" + "\n".join(f"- {x}" for x in lines) + "\n\n")
            fh.write(f"![process talk before and after]({chart.name})\n\n")
            fh.write("| " + " | ".join(REPORT_HEAD) + " |\n|" + "---|" * len(REPORT_HEAD) + "\n")
            for idx, p in journal.payloads():
                cells = [c.replace("|", "\\|").replace("\n", " ") for c in report_cells(idx, p)]
                fh.write("| " + " | ".join(cells) + " |\n")
    return out
