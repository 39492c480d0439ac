"""HTML for the page, built from results with every piece of text escaped.

Model output, the user's update and strategy passages are all untrusted: they reach the page
only through `html.escape`, never as Markdown or raw HTML, so no script or remote image can run.
No gradio import here: these are plain functions tests call directly.
"""

from __future__ import annotations

import itertools
import re
from html import escape
from typing import Any

from coach.types import Analysis, RewriteResult

_CLASS = re.compile(r"[^a-z0-9-]")
_RUNS = itertools.count(1)
_CITE = re.compile(r"\[(\d+)\]")


def _e(text: Any) -> str:
    return escape(str(text), quote=True)


def _multiline(text: str) -> str:
    return _e(text).replace("\n", "<br>")


def empty(message: str) -> str:
    return f'<p class="coach-empty">{_e(message)}</p>'


def lines(text: str) -> str:
    """A handler's answer (a sentence, then "- " lines) as HTML: first line, then a list."""
    head, *rest = text.splitlines() or [""]
    items = "".join(f"<li>{_e(x[2:])}</li>" for x in rest if x.startswith("- "))
    return f"<p>{_e(head)}</p>" + (f'<ul class="coach-skipped">{items}</ul>' if items else "")


def status(message: str) -> str:
    """The one sentence a bad input gets, announced to screen readers."""
    return f'<p class="coach-status" role="alert">{_e(plain(message))}</p>'


def notice(message: str) -> str:
    """A sentence in the status line that is news, not a fault ("Stopped after 300 of 500")."""
    return f'<p class="coach-status coach-notice" role="status">{_e(plain(message))}</p>'


def charts(paths: list[str]) -> str:
    """Chart images inlined at their own size (data: URLs: nothing for the browser to fetch)."""
    import base64
    from pathlib import Path

    figures = []
    for p in paths:
        data = base64.b64encode(Path(p).read_bytes()).decode()
        name = Path(p).stem.replace("_", " ")
        figures.append(
            f'<figure><img alt="{_e(name)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{_e(name)}</figcaption></figure>"
        )
    return f'<div class="coach-charts">{"".join(figures)}</div>' if figures else ""


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
        if analysis.process_density >= 0.5:  # activity with no result, but no tool or ritual named
            return body + empty(
                f"No tool or ritual words to mark, yet {analysis.process_density:.0%} of the "
                "sentences report activity with no result: the coaching notes ask what changed."
            )
        return body + empty("No process talk found: this update already speaks in outcomes.")
    # Spans that share a kind, an explanation and a question are one list item: the same
    # "Ask" three times in a row reads as noise.
    groups: dict[tuple[str, str, str], list[str]] = {}
    for s in shown:
        words = groups.setdefault((s.category, s.explanation, s.suggestion), [])
        word = s.text or text[s.start : s.end]
        if word not in words:
            words.append(word)
    items = []
    for (category, explanation, suggestion), words in groups.items():
        cat = _CLASS.sub("", category.lower())
        marks = ", ".join(f'<mark class="pt pt-{cat}">{_e(w)}</mark>' for w in words)
        items.append(
            f"<li>{marks} <b>{_e(category)}</b>: {_e(explanation)}{_suggestion(suggestion)}</li>"
        )
    density = f"{analysis.process_density:.0%}"
    return (
        body
        + f'<p class="coach-caption">{len(shown)} process-talk span(s); {density} of units are '
        f"pure process talk.</p>" + f'<ul class="coach-spans">{"".join(items)}</ul>'
    )


def _suggestion(text: str) -> str:
    """A question reads "Ask: ...?"; a phrase to use instead reads "Say instead: ..."."""
    if not text:
        return ""
    label = "Ask" if text.rstrip().endswith("?") else "Say instead"
    return f' <span class="ask">{label}: {_e(text)}</span>'


def unique(items: tuple[str, ...] | list[str]) -> list[str]:
    """Items in order, each once (case and spacing aside)."""
    seen: set[str] = set()
    out = []
    for item in items:
        key = " ".join(item.lower().split())
        if key and key not in seen:
            seen.add(key)
            out.append(item)
    return out


# Sentences written for the command line, as the page says them (the page has no terminal).
PAGE_WORDS = (
    (re.compile(r"run `coach ingest[^`]*`( first)?"), "index documents in the Strategy tab"),
    (re.compile(r"choose one with --column"), "type one in the Column box"),
    (re.compile(r"--column"), "the Column box"),
    (re.compile(r"serve no strategic pillar"), "link to no strategy goal"),
    (re.compile(r"^Unmapped work: "), "Work with no strategy goal: "),
    (re.compile(r"\bunit\(s\)"), "sentence(s)"),
    (re.compile(r"^Content preserved \(mean\)"), "Meaning kept (mean, 1.00: the same)"),
)


def plain(message: str) -> str:
    """A core or batch sentence with its command-line advice turned into the page's own."""
    for pattern, words in PAGE_WORDS:
        message = pattern.sub(words, message)
    return message


def questions(items: tuple[str, ...] | list[str]) -> str:
    if not items:
        return empty("No questions: every claim already has its outcome.")
    return (
        '<ol class="coach-questions">'
        + "".join(f"<li>{_e(q)}</li>" for q in unique(items))
        + "</ol>"
    )


def notes(result: RewriteResult) -> str:
    """Coaching notes beside the text: the questions, then what the guard or engine found."""
    html = questions(result.questions)
    if result.findings:
        html += (
            '<ul class="coach-findings">'
            + "".join(f"<li>{_e(plain(x))}</li>" for x in unique(result.findings))
            + "</ul>"
        )
    return html


def reader_text(result: RewriteResult) -> str:
    """What goes to the reader: the rewrite without any coaching question an engine left in it.

    Engines keep questions in `result.questions`; this is the page's own check of that contract,
    so a copy or download never carries a note meant for the author.
    """
    asked = {" ".join(q.lower().split()) for q in result.questions}
    lines = result.text.strip().splitlines()
    kept = [ln for ln in lines if " ".join(ln.lstrip("-*• ").lower().split()) not in asked]
    while kept and kept[-1].strip().lower().rstrip(":") in ("", "questions for you"):
        kept.pop()
    return "\n".join(kept).strip()


def _passage(c: Any, label: str) -> str:
    pillar = f" · pillar <b>{_e(c.pillar)}</b>" if c.pillar else ""
    return (
        f'<details class="coach-cite"><summary>{_e(label)} {_e(c.title or c.source)}'
        f'<span class="section"> › {_e(c.section)}</span></summary>'
        f'<p class="meta"><code>{_e(c.source)}</code>{pillar} · score {c.score:.2f}</p>'
        f"<blockquote>{_multiline(c.text)}</blockquote></details>"
    )


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
            f"Nothing indexed in collection {result.collection!r} to cite: "
            "index documents in the Strategy tab."
        )
    return "".join(_passage(c, f"[{i}]") for i, c in enumerate(result.citations, 1))


def _align_rows(items: list[Any]) -> str:
    return "".join(
        f"<tr><td>{_e(a.unit)}</td><td>{_e(a.pillar) if a.pillar else '-'}</td>"
        f"<td>{max(a.score, 0.0):.2f}</td><td><code>{_e(a.source)}</code></td></tr>"
        for a in items
    )


def alignment(result: RewriteResult) -> str:
    """Which strategy goal each piece of work serves: the linked work first, the rest folded
    away under one line (a long update is mostly unlinked work; 40 red rows read as an alarm)."""
    if not result.alignment:
        return empty("No alignment: nothing to map, or no strategy indexed.")
    linked = [a for a in result.alignment if a.pillar]
    unlinked = [a for a in result.alignment if not a.pillar]
    head = (
        '<table class="coach-align"><thead><tr><th>Work</th><th>Strategy goal</th>'
        '<th title="How close the work is to the goal\'s passage, 0 to 1">Match</th>'
        "<th>Document</th></tr></thead><tbody>"
    )
    n = len(result.alignment)
    if linked:
        html = head + _align_rows(linked) + "</tbody></table>"
    else:
        html = empty("No piece of this update links clearly to a strategy goal.")
    if unlinked:
        html += (
            f'<details class="coach-unlinked"><summary>{len(unlinked)} of {n} item(s) link to '
            "no strategy goal: say which goal they move, or question the work.</summary>"
            + head + _align_rows(unlinked) + "</tbody></table></details>"
        )  # fmt: skip
    else:
        html += '<p class="coach-caption">Every item links to a strategy goal.</p>'
    return html


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
    facts_note = "all kept"
    if not f.ok:
        parts = [f"missing {_quoted(f.missing)}" if f.missing else ""]
        parts.append(f"added {_quoted(f.added)}" if f.added else "")
        facts_note = "; ".join(p for p in parts if p)
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
            (
                "Meaning kept",
                f"{figures['content_preservation']:.2f}",
                "how close the rewrite's meaning is to yours (1.00: the same)",
            )
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


def _quoted(items: tuple[str, ...]) -> str:
    """Facts as a person reads them: "week 1", "2" (layout whitespace folded)."""
    return ", ".join(f"“{' '.join(str(x).split())}”" for x in items)


def meta(result: RewriteResult) -> str:
    """Which engine, model and prompt version produced the rewrite (findings go in the notes)."""
    bits = [f"engine <b>{_e(result.engine)}</b>"]
    if result.model:
        bits.append(f"model <b>{_e(result.model)}</b>")
    bits.append(f"prompt <b>{_e(result.prompt_version or '-')}</b>")
    bits.append(f"collection <b>{_e(result.collection)}</b>")
    bits.append(f"{result.elapsed_ms:.0f} ms")
    # A fresh number per rendering: the page (and its tests) can tell a new result from the last.
    run = next(_RUNS)
    return f'<p class="coach-meta" id="coach-meta" data-run="{run}">{" · ".join(bits)}</p>'


def cited(text: str, citations: tuple[Any, ...]) -> list[tuple[int, Any]]:
    """The passages the text still points at with [n], numbered as in the text."""
    used = {int(n) for n in _CITE.findall(text)}
    return [(i, c) for i, c in enumerate(citations, 1) if i in used]


def markdown_export(text: str, citations: tuple[Any, ...] = ()) -> str:
    """The reader's text as Markdown: what the rewrite box holds, and the sources it cites."""
    lines = [text.strip(), ""]
    if sources := cited(text, citations):
        lines += ["Sources:", ""]
        lines += [f"[{i}] {c.title or c.source} > {c.section} ({c.source})" for i, c in sources]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def docx_export(text: str, citations: tuple[Any, ...], path: str) -> str:
    """The same as DOCX (coach.docx_io): one paragraph per line, bullets as list items."""
    from coach.docx_io import Writer

    doc = Writer()
    for line in text.strip().splitlines():
        if line.startswith(("- ", "* ")):
            doc.paragraph(line[2:], style="List Bullet")
        elif line.strip():
            doc.paragraph(line)
    if sources := cited(text, citations):
        doc.paragraph("Sources:")
        for i, c in sources:
            doc.paragraph(f"[{i}] {c.title or c.source} > {c.section} ({c.source})")
    doc.save(path)
    return path
