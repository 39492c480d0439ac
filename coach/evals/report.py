"""Run reports: Markdown and self-contained HTML with charts. The only matplotlib importer."""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display, no GUI toolkit: reports are written in CI and on servers
import matplotlib.pyplot as plt

CHARTS = ("process_density", "facts", "content", "gates")


def _scored(items: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [i for i in items if i.get("verdict") != "error"]


def _save(fig: Any, path: Path) -> None:
    fig.tight_layout()
    # Fixed metadata so the same run renders byte-identical PNGs (clean diffs in git).
    fig.savefig(path, dpi=90, metadata={"Software": None})
    plt.close(fig)


def before_after_png(before: Sequence[float], after: Sequence[float], what: str) -> bytes:
    """Process density before and after as a histogram PNG (the batch report's chart)."""
    import io

    fig, ax = plt.subplots(figsize=(6, 3), dpi=100)
    bins = [i / 10 for i in range(11)]
    ax.hist([before, after], bins=bins, label=["before", "after"], color=["#c0504d", "#4f81bd"])
    ax.set(xlabel="share of units that are process talk", ylabel=what)
    ax.set_title(f"Process talk per {what.rstrip('s')}, before and after")
    ax.legend()
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def charts(items: Sequence[dict[str, Any]], summary: dict[str, Any], folder: Path) -> list[Path]:
    """Four PNGs: process density before/after, facts kept, content preservation, gate rates."""
    folder.mkdir(parents=True, exist_ok=True)
    s = _scored(items)
    out = []

    fig, ax = plt.subplots(figsize=(6, 3.4))
    bins = [i / 10 for i in range(11)]
    ax.hist(
        [[i["process_density_before"] for i in s], [i["process_density_after"] for i in s]],
        bins=bins,
        label=["source", "rewrite"],
        color=["#c0504d", "#4f81bd"],
    )
    ax.set(xlabel="process density (share of units that are process talk)", ylabel="items")
    ax.set_title("Process talk before and after")
    ax.legend()
    _save(fig, p := folder / "process_density.png")
    out.append(p)

    fig, ax = plt.subplots(figsize=(6, 3.4))
    ax.hist(
        [[i["facts_recall"] for i in s], [i["facts_precision"] for i in s]],
        bins=[0, 0.5, 0.8, 0.9, 0.95, 0.999, 1.001],
        label=["recall (source facts kept)", "precision (no invented facts)"],
        color=["#9bbb59", "#8064a2"],
    )
    ax.set(xlabel="share", ylabel="items")
    ax.set_title("Facts in = facts out")
    ax.legend(loc="upper left")
    _save(fig, p := folder / "facts.png")
    out.append(p)

    fig, ax = plt.subplots(figsize=(6, 3.4))
    ax.hist([i["content_preservation"] for i in s], bins=20, range=(0, 1), color="#4bacc6")
    ax.set(xlabel="content preservation (MiniLM cosine, source vs rewrite)", ylabel="items")
    ax.set_title("Meaning kept")
    _save(fig, p := folder / "content.png")
    out.append(p)

    gates = summary.get("gates", {})
    fig, ax = plt.subplots(figsize=(6, 0.35 * max(len(gates), 1) + 1))
    names = list(gates)[::-1]
    rates = [gates[g]["rate"] for g in names]
    ax.barh(names, rates, color=["#9bbb59" if r == 1 else "#f79646" for r in rates])
    ax.set(xlim=(0, 1), xlabel="pass rate (over items the gate applies to)")
    ax.set_title(f"Gates: {summary.get('pass_rate', 0):.0%} of items pass every gate")
    _save(fig, p := folder / "gates.png")
    out.append(p)
    return out


def summary_table(summary: dict[str, Any]) -> str:
    """The Markdown table printed by `coach eval` and put at the top of report.md."""
    m = summary.get("means", {})
    rows = [
        ("items", f"{summary['items']} ({summary.get('errors', 0)} errors)"),
        ("pass every gate", f"{summary['passed']} ({summary['pass_rate']:.1%})"),
    ]
    for key, label in (
        ("facts_recall", "facts recall"),
        ("facts_precision", "facts precision"),
        ("content_preservation", "content preservation"),
        ("process_density_before", "process density, source"),
        ("process_density_after", "process density, rewrite"),
        ("outcome_signal_count", "outcome signals (of 4)"),
        ("link_support", "link support"),
        ("pillar_hit", "cites a gold pillar"),
        ("grade_level", "grade level"),
        ("length_ratio", "length ratio"),
        ("copy_rate", "verbatim copy rate"),
    ):
        if key in m:
            rows.append((label, f"{m[key]:.3f}"))
    lines = ["| metric | value |", "|---|---|"] + [f"| {a} | {b} |" for a, b in rows]
    lines += ["", "| gate | passed | failed | rate |", "|---|---|---|---|"]
    for g, v in summary.get("gates", {}).items():
        lines.append(f"| {g} | {v['passed']} | {v['failed']} | {v['rate']:.1%} |")
    return "\n".join(lines)


def run_title(meta: dict[str, Any], folder: Path | None = None) -> str:
    """Which run this is (engine, dataset, suite, run folder), so a browser tab or a mailed
    report says it without being opened."""
    title = f"Eval run: {meta.get('engine') or 'default engine'} on {meta.get('dataset', '?')}"
    extra = [f"{meta['suite']} suite" if meta.get("suite") else "", folder.name if folder else ""]
    return ", ".join([title, *[e for e in extra if e]])


def markdown(items: Sequence[dict[str, Any]], summary: dict[str, Any]) -> str:
    meta = summary.get("meta", {})
    head = ", ".join(f"{k}: {v}" for k, v in meta.items() if k != "command")
    parts = [f"# {run_title(meta)}", "", head, ""]
    if meta.get("command"):
        parts += [f"Produced by `{meta['command']}`.", ""]
    parts += [summary_table(summary), ""]
    parts += [f"![{c}](charts/{c}.png)" for c in CHARTS]
    failing = [i for i in items if i.get("verdict") != "pass"]
    parts += ["", f"## Items that fail a gate ({len(failing)})", ""]
    parts += ["| id | tags | failed gates |", "|---|---|---|"]
    for i in failing:
        parts.append(
            f"| {i['id']} | {', '.join(i.get('tags', []))} | {', '.join(i['failed_gates'])} |"
        )
    tags = summary.get("by_tag", {})
    if tags:
        parts += ["", "## Pass rate by tag", "", "| tag | items | pass |", "|---|---|---|"]
        for t, v in tags.items():
            parts.append(f"| {t} | {v['items']} | {v['passed'] / v['items']:.0%} |")
    return "\n".join(parts) + "\n"


def _md_table_to_html(md: str) -> str:
    rows = [r.strip("|").split(" | ") for r in md.splitlines() if r.startswith("|")]
    rows = [r for r in rows if not set("".join(r)) <= set("-| ")]
    body = "".join(
        "<tr>"
        + "".join(
            f"<{'th' if n == 0 else 'td'}>{html.escape(c.strip())}</{'th' if n == 0 else 'td'}>"
            for c in r
        )
        + "</tr>"
        for n, r in enumerate(rows)
    )
    return f"<table>{body}</table>"


def html_report(items: Sequence[dict[str, Any]], summary: dict[str, Any], folder: Path) -> str:
    """One file with the charts inlined, so it can be mailed or attached to a CI run."""
    meta = summary.get("meta", {})
    imgs = "".join(
        f'<img alt="{c}" src="data:image/png;base64,'
        f'{base64.b64encode((folder / "charts" / f"{c}.png").read_bytes()).decode()}">'
        for c in CHARTS
        if (folder / "charts" / f"{c}.png").is_file()
    )
    rows = "".join(
        f"<tr><td>{html.escape(i['id'])}</td><td>{html.escape(i.get('verdict', ''))}</td>"
        f"<td>{html.escape(', '.join(i.get('failed_gates', [])))}</td>"
        f"<td>{i.get('content_preservation', '')}</td><td>{i.get('facts_recall', '')}</td>"
        f"<td>{i.get('process_density_before', '')} → {i.get('process_density_after', '')}</td></tr>"
        for i in items
    )
    tables = "".join(_md_table_to_html(t) for t in summary_table(summary).split("\n\n"))
    title = html.escape(run_title(meta, folder))
    return (
        f"<!doctype html><meta charset='utf-8'><title>coach {title}</title>"
        "<style>body{font-family:sans-serif;max-width:960px;margin:2em auto}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:2px 8px}"
        "img{max-width:48%;margin:4px}</style>"
        f"<h1>{html.escape(run_title(meta))}</h1>"
        f"<p>{html.escape(', '.join(f'{k}: {v}' for k, v in meta.items()))}</p>"
        f"{tables}<div>{imgs}</div><h2>Items</h2><table><tr><th>id</th><th>verdict</th>"
        f"<th>failed gates</th><th>content</th><th>facts recall</th><th>process density</th></tr>"
        f"{rows}</table>"
    )


def write_report(
    folder: str | Path, items: Sequence[dict[str, Any]], summary: dict[str, Any]
) -> None:
    """charts/*.png, report.md and report.html in the run folder."""
    f = Path(folder)
    charts(items, summary, f / "charts")
    (f / "report.md").write_text(markdown(items, summary), encoding="utf-8")
    (f / "report.html").write_text(html_report(items, summary, f), encoding="utf-8")
