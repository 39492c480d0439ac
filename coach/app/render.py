"""HTML for the page, built from results with every piece of text escaped.

Model output, the user's update and strategy passages are all untrusted: they reach the page
only through `html.escape`, never as Markdown or raw HTML, so no script or remote image can run.
No gradio import here: these are plain functions tests call directly.
"""

from __future__ import annotations

import difflib
import re
from html import escape
from typing import Any

from coach.types import Analysis, RewriteResult

_TOKENS = re.compile(r"\s+|[^\s]+")
_CLASS = re.compile(r"[^a-z0-9-]")
_EXACT_DIFF_TOKENS = 3000


def _e(text: Any) -> str:
    return escape(str(text), quote=True)


def _multiline(text: str) -> str:
    return _e(text).replace("\n", "<br>")


def empty(message: str) -> str:
    return f'<p class="coach-empty">{_e(message)}</p>'


def redline(before: str, after: str) -> str:
    """Word-level redline: removed words in <del>, added words in <ins>, all escaped."""
    a, b = _TOKENS.findall(before), _TOKENS.findall(after)
    out: list[str] = []
    # Exact matching is quadratic on repeated tokens (4,000 one-word bullets: minutes); past a
    # few thousand tokens difflib's popular-token heuristic keeps it near-linear.
    junk = len(a) + len(b) > _EXACT_DIFF_TOKENS
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=junk).get_opcodes():
        if op == "equal":
            out.append(_multiline("".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(f"<del>{_multiline(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{_multiline(''.join(b[j1:j2]))}</ins>")
    return f'<div class="coach-redline" aria-label="What changed">{"".join(out)}</div>'


def highlighted(analysis: Analysis) -> str:
    """The original with process-talk spans marked (explanation on hover and focus) and listed."""
    text = analysis.text
    spans = sorted(analysis.spans, key=lambda s: (s.start, -s.end))
    pieces: list[str] = []
    pos = 0
    shown = []
    for s in spans:
        if s.start < pos or s.end > len(text):
            continue
        pieces.append(_multiline(text[pos : s.start]))
        cat = _CLASS.sub("", s.category.lower())
        pieces.append(
            f'<mark class="pt pt-{cat}" tabindex="0" data-category="{_e(s.category)}" '
            f'title="{_e(s.category)}: {_e(s.explanation)}">{_multiline(text[s.start : s.end])}</mark>'
        )
        shown.append(s)
        pos = s.end
    pieces.append(_multiline(text[pos:]))
    body = f'<div class="coach-original">{"".join(pieces)}</div>'
    if not shown:
        return body + empty("No process talk found: this update already speaks in outcomes.")
    seen: set[tuple[str, str]] = set()
    items = []
    for s in shown:
        key = (s.text or text[s.start : s.end], s.category)
        if key in seen:
            continue
        seen.add(key)
        ask = f' <span class="ask">Ask: {_e(s.suggestion)}</span>' if s.suggestion else ""
        items.append(
            f'<li><mark class="pt pt-{_CLASS.sub("", s.category.lower())}">{_e(key[0])}</mark> '
            f"<b>{_e(s.category)}</b>: {_e(s.explanation)}{ask}</li>"
        )
    density = f"{analysis.process_density:.0%}"
    return (
        body
        + f'<p class="coach-caption">{len(shown)} process-talk span(s); {density} of units are '
        f"pure process talk.</p>" + f'<ul class="coach-spans">{"".join(items)}</ul>'
    )


def questions(items: tuple[str, ...] | list[str]) -> str:
    if not items:
        return empty("No questions: every claim already has its outcome.")
    return '<ol class="coach-questions">' + "".join(f"<li>{_e(q)}</li>" for q in items) + "</ol>"


def citations(result: RewriteResult) -> str:
    """Each cited strategy passage as an expandable block with document and section."""
    s = result.suggestion
    if not result.citations and s is not None:  # below the calibrated threshold: a hint only
        return (
            empty("No clear link to the strategy was found, so nothing is cited.")
            + f'<details class="coach-cite coach-suggestion"><summary>Closest passage '
            f"(a suggestion, not cited): {_e(s.title or s.source)}"
            f'<span class="section"> › {_e(s.section)}</span></summary>'
            f'<p class="meta"><code>{_e(s.source)}</code> · score {s.score:.2f}</p>'
            f"<blockquote>{_multiline(s.text)}</blockquote></details>"
        )
    if not result.citations:
        return empty(
            f"No strategy passages found in collection {result.collection!r}: "
            "index documents in the Strategy corpus tab."
        )
    out = []
    for i, c in enumerate(result.citations, 1):
        title = c.title or c.source
        pillar = f" · pillar <b>{_e(c.pillar)}</b>" if c.pillar else ""
        out.append(
            f'<details class="coach-cite"><summary>[{i}] {_e(title)}'
            f'<span class="section"> › {_e(c.section)}</span></summary>'
            f'<p class="meta"><code>{_e(c.source)}</code>{pillar} · score {c.score:.2f}</p>'
            f"<blockquote>{_multiline(c.text)}</blockquote></details>"
        )
    return "".join(out)


def alignment(result: RewriteResult) -> str:
    """Which pillar each unit of work serves, and the work that serves none."""
    if not result.alignment:
        return empty("No alignment: nothing to map, or no strategy indexed.")
    rows = []
    for a in result.alignment:
        pillar = _e(a.pillar) if a.pillar else '<span class="unmapped">unmapped</span>'
        rows.append(
            f"<tr><td>{_e(a.unit)}</td><td>{pillar}</td><td>{a.score:.2f}</td>"
            f"<td><code>{_e(a.source)}</code></td></tr>"
        )
    unmapped = result.unmapped
    note = (
        f'<p class="coach-caption">{len(unmapped)} of {len(result.alignment)} item(s) serve no '
        "strategic pillar: say which goal they move, or question the work.</p>"
        if unmapped
        else '<p class="coach-caption">Every item maps to a strategic pillar.</p>'
    )
    return (
        '<table class="coach-align"><thead><tr><th>Work</th><th>Pillar</th><th>Score</th>'
        f"<th>Source</th></tr></thead><tbody>{''.join(rows)}</tbody></table>{note}"
    )


def scores(result: RewriteResult) -> dict[str, Any]:
    """The scorecard's figures: the result's own scores (computed with the rewrite) and the
    eval gates they fail."""
    from coach.evals.metrics import score_result

    s = result.scores
    return {
        "facts_kept": result.facts.kept,
        "facts_total": result.facts.total,
        "facts_ok": result.facts.ok,
        "process_before": s.process_density_before,
        "process_after": s.process_density_after,
        "grade_level": s.grade_level,
        "content_preservation": s.content_preservation,
        "failed_gates": list(score_result(result)["failed_gates"]),
    }


def scorecard(result: RewriteResult, figures: dict[str, Any]) -> str:
    f = result.facts
    facts_note = (
        "all kept"
        if f.ok
        else f"missing {', '.join(f.missing) or '-'}; added {', '.join(f.added) or '-'}"
    )
    cells = [
        ("Facts kept", f"{figures['facts_kept']}/{figures['facts_total']}", facts_note),
        (
            "Process talk",
            f"{figures['process_before']:.0%} → {figures['process_after']:.0%}",
            "share of units that are pure process talk, before → after",
        ),
    ]
    if figures.get("grade_level") is not None:
        cells.append(("Readability", f"grade {figures['grade_level']:.1f}", "US school grade"))
    if figures.get("content_preservation") is not None:
        cells.append(
            ("Meaning kept", f"{figures['content_preservation']:.2f}", "MiniLM cosine to source")
        )
    if figures.get("failed_gates"):
        failed = figures["failed_gates"]
        cells.append(("Gates failed", str(len(failed)), ", ".join(failed)))
    body = "".join(
        f'<div class="card"><div class="label">{_e(k)}</div><div class="value">{_e(v)}</div>'
        f'<div class="note">{_e(n)}</div></div>'
        for k, v, n in cells
    )
    return f'<div class="coach-score">{body}</div>'


def meta(result: RewriteResult) -> str:
    """Which engine, model and prompt version produced the rewrite, and any guard findings."""
    bits = [f"engine <b>{_e(result.engine)}</b>"]
    if result.model:
        bits.append(f"model <b>{_e(result.model)}</b>")
    bits.append(f"prompt <b>{_e(result.prompt_version or '-')}</b>")
    bits.append(f"collection <b>{_e(result.collection)}</b>")
    bits.append(f"{result.elapsed_ms:.0f} ms")
    html = f'<p class="coach-meta" id="coach-meta">{" · ".join(bits)}</p>'
    if result.findings:
        html += (
            '<ul class="coach-findings">'
            + "".join(f"<li>{_e(x)}</li>" for x in result.findings)
            + "</ul>"
        )
    return html


def markdown_export(result: RewriteResult) -> str:
    """The rewrite as a Markdown document with its sources, for the download button."""
    lines = ["# Status update", "", result.text.strip(), ""]
    if result.citations:
        lines += ["## Sources", ""]
        lines += [
            f"{i}. {c.title or c.source} > {c.section} ({c.source})"
            for i, c in enumerate(result.citations, 1)
        ]
        lines.append("")
    lines.append(
        f"_Rewritten by coach (engine {result.engine}, prompt {result.prompt_version or '-'}); "
        f"facts kept {result.facts.kept}/{result.facts.total}._"
    )
    return "\n".join(lines) + "\n"


def docx_export(result: RewriteResult, path: str) -> str:
    """The same document as DOCX (python-docx), one paragraph per line of the rewrite."""
    from docx import Document

    doc = Document()
    doc.add_heading("Status update", level=1)
    for line in result.text.strip().splitlines():
        if line.startswith("- "):
            doc.add_paragraph(line[2:], style="List Bullet")
        elif line.strip():
            doc.add_paragraph(line)
    if result.citations:
        doc.add_heading("Sources", level=2)
        for c in result.citations:
            doc.add_paragraph(
                f"{c.title or c.source} > {c.section} ({c.source})", style="List Number"
            )
    doc.save(path)
    return path
