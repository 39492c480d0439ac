"""What the page's buttons do: plain functions of (coach, inputs) that tests call directly.

Every CoachError becomes `gr.Error(one sentence)`; uploads are checked here, on the server,
whatever the browser's file picker allowed.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import gradio as gr

from coach.app import render
from coach.core import Coach
from coach.errors import CoachError, InputError
from coach.options import DEFAULT_AUDIENCE, DEFAULT_LENGTH, RewriteOptions

BATCH_TYPES = (".txt", ".md", ".csv", ".tsv", ".jsonl", ".xlsx", ".docx")
CORPUS_TYPES = (".md", ".markdown", ".txt", ".text", ".html", ".htm", ".pdf", ".docx")
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
_OUT = Path(tempfile.mkdtemp(prefix="coach-page-"))


@contextmanager
def page_errors() -> Iterator[None]:
    """CoachError -> gr.Error with its one sentence; the page shows it, never a traceback."""
    try:
        yield
    except CoachError as exc:
        raise gr.Error(str(exc), print_exception=False) from None


def _out_dir() -> Path:
    d = Path(tempfile.mkdtemp(dir=_OUT))
    return d


def check_upload(path: str | Path, allowed: tuple[str, ...], what: str) -> Path:
    """Refuse files of the wrong type or size, whatever the client sent."""
    p = Path(path)
    if p.suffix.lower() not in allowed:
        raise InputError(
            f"{p.name} is not a {what} coach can read: use {', '.join(allowed)} files."
        )
    size = p.stat().st_size
    if size > MAX_UPLOAD_BYTES:
        raise InputError(f"{p.name} is {size / 1e6:.0f} MB; the limit is 20 MB.")
    if size == 0:
        raise InputError(f"{p.name} is empty.")
    return p


def _choice(value: str | None) -> str | None:
    return value if value and value not in ("default", "auto") else None


def rewrite_result(
    coach: Coach,
    text: str,
    audience: str = DEFAULT_AUDIENCE,
    length: str = DEFAULT_LENGTH,
    collection: str | None = None,
    engine: str | None = None,
) -> Any:
    with page_errors():
        opts = RewriteOptions.from_form(audience, length, collection, engine)
        return coach.rewrite(text or "", opts)


def panels(result: Any) -> tuple[Any, ...]:
    """Every Rewrite-tab output for one result: rewrite, redline, spans, questions, citations,
    alignment, scorecard, meta, Markdown file, DOCX file."""
    figures = render.scores(result)
    out = _out_dir()
    md = out / "coach-update.md"
    md.write_text(render.markdown_export(result), encoding="utf-8")
    docx = render.docx_export(result, str(out / "coach-update.docx"))
    return (
        result.text,
        render.redline(result.source, result.text),
        render.highlighted(result.analysis),
        render.questions(result.questions),
        render.citations(result),
        render.alignment(result),
        render.scorecard(result, figures),
        render.meta(result),
        str(md),
        docx,
    )


def handle_rewrite(
    coach: Coach,
    text: str,
    audience: str = DEFAULT_AUDIENCE,
    length: str = DEFAULT_LENGTH,
    collection: str | None = None,
    engine: str | None = None,
) -> tuple[Any, ...]:
    """The Rewrite tab in one call (no streaming): see `panels`."""
    return panels(rewrite_result(coach, text, audience, length, collection, engine))


def stream_rewrite(
    coach: Coach,
    text: str,
    audience: str = DEFAULT_AUDIENCE,
    length: str = DEFAULT_LENGTH,
    collection: str | None = None,
    engine: str | None = None,
) -> Iterator[tuple[Any, ...]]:
    """The model's draft streams into the rewrite box, then the guarded result fills the page
    (its text may differ: repaired, or the offline fallback, as the findings say)."""
    stream = getattr(coach, "rewrite_stream", None)
    if stream is None:
        yield handle_rewrite(coach, text, audience, length, collection, engine)
        return
    draft = ""
    with page_errors():
        opts = RewriteOptions.from_form(audience, length, collection, engine)
        for item in stream(text or "", opts):
            if isinstance(item, str):
                draft += item
                yield (draft, *[gr.skip()] * 9)
            else:
                yield panels(item)


def api_rewrite(
    coach: Coach,
    text: str,
    audience: str = DEFAULT_AUDIENCE,
    length: str = DEFAULT_LENGTH,
    collection: str = "",
    engine: str = "",
) -> dict[str, Any]:
    """/rewrite for gradio_client: the full RewriteResult as a JSON object."""
    return rewrite_result(coach, text, audience, length, collection, engine).to_dict()


def api_analyze(coach: Coach, text: str) -> dict[str, Any]:
    """/analyze for gradio_client: units, labels, process-talk spans and density."""
    with page_errors():
        return coach.analyze(text or "").to_dict()


# -- batch ---------------------------------------------------------------------------------
def run_batch(
    coach: Coach,
    path: str | Path,
    audience: str = DEFAULT_AUDIENCE,
    length: str = DEFAULT_LENGTH,
    collection: str | None = None,
    progress: Callable[[int, int], Any] | None = None,
    column: str | None = None,
) -> tuple[str, dict[str, Any]]:
    """Rewrite a whole file with coach.batch: same format and order back, a row that fails is
    recorded and never stops the others. Returns (output path, summary counts)."""
    from coach.batch import run_batch as batch

    with page_errors():
        src = check_upload(path, BATCH_TYPES, "batch file")
        out = _out_dir() / f"{src.stem}.rewritten{src.suffix.lower()}"
        summary = batch(
            coach,
            src,
            out,
            column=column or None,
            options=RewriteOptions.from_form(audience, length, collection, metrics=False),
            progress=(lambda d, t, _s: progress(d, t)) if progress else None,
            report_path=out.with_suffix(".report.md"),
        )
    counts = {
        "rows": summary.total,
        "ok": summary.ok,
        "fallback": summary.fallback,
        "failed": summary.failed,
        "skipped": summary.skipped,
        "seconds": round(summary.seconds, 2),
        "line": summary.line(),
    }
    return str(out), counts


def batch_summary(counts: dict[str, Any]) -> str:
    return (
        f"**{counts['rows']}** update(s): {counts['ok']} rewritten, {counts['fallback']} fell back "
        f"to the offline coach, {counts['failed']} failed, {counts['skipped']} passed through; "
        f"{counts['seconds']} s."
    )


# -- strategy corpus -------------------------------------------------------------------------
def ingest_uploads(
    coach: Coach,
    paths: list[str],
    collection: str | None = None,
    progress: Callable[..., Any] | None = None,
) -> str:
    """Index uploaded strategy documents; unreadable ones are reported, the rest indexed."""
    if not paths:
        raise gr.Error("Choose one or more documents to index first.", print_exception=False)
    with page_errors():
        # Kept under COACH_HOME by collection and the name the user gave: the manifest records
        # that name and a path that lasts, and a revised upload replaces the old version.
        name = _choice(collection) or coach.settings.collection
        staged = coach.settings.home / "documents" / re.sub(r"[^\w.-]", "_", name)
        staged.mkdir(parents=True, exist_ok=True)
        files = []
        for p in paths:
            src = check_upload(p, CORPUS_TYPES, "strategy document")
            dst = staged / src.name
            shutil.copyfile(src, dst)
            files.append(dst)
        stats = coach.ingest(files, collection=name, progress=progress)
    msgs = stats.get("messages") or []
    lines = [
        "Indexed "
        + ", ".join(f"{k} {v}" for k, v in stats.items() if isinstance(v, int | float))
        + "."
    ]
    lines += [f"- {m}" for m in msgs]
    return "\n".join(lines)


def remove_documents(coach: Coach, names: list[str] | str | None, collection: str | None) -> str:
    """Remove the chosen documents from a collection (the corpus tab's remove control)."""
    chosen = [names] if isinstance(names, str) else list(names or [])
    if not chosen:
        raise gr.Error("Choose a document to remove first.", print_exception=False)
    with page_errors():
        name = _choice(collection) or coach.settings.collection
        removed = coach.remove(chosen, collection=name)
    return f"Removed {', '.join(removed)} from {name!r}."


def document_names(coach: Coach, collection: str | None = None) -> list[str]:
    """The documents of a collection, by the name the user gave them."""
    try:
        name = _choice(collection) or coach.settings.collection
        return [e.source for e in coach.corpus(name).get(name, [])]
    except CoachError:
        return []


def corpus_rows(coach: Coach) -> list[list[Any]]:
    """What is indexed: collection, document, chunks, when (from the manifest or the store)."""
    with page_errors():
        listing = getattr(coach, "corpus", None)
        rows: list[list[Any]] = []
        if callable(listing):
            for name, entries in listing().items():
                for e in entries:
                    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(e.indexed_at))
                    rows.append([name, e.source, len(e.chunk_ids), when])
        if not rows:
            for name in coach.store.collections():
                per: dict[str, int] = {}
                for hit in coach.store.all(name):
                    src = str(hit.metadata.get("source", "?"))
                    per[src] = per.get(src, 0) + 1
                rows += [[name, s, n, ""] for s, n in sorted(per.items())]
    return rows


def collections(coach: Coach) -> list[str]:
    """Collections to choose from: the store's, with the configured default first."""
    default = coach.settings.collection
    try:
        names = coach.store.collections()
    except CoachError:
        names = []
    return [default, *[n for n in names if n != default]]


# -- eval ----------------------------------------------------------------------------------
def run_eval(
    coach: Coach, limit: int, progress: Callable[[int, int], Any] | None = None
) -> tuple[str, list[str], str]:
    """The eval suite (coach.evals, as `coach eval` runs it) on its first `limit` cases:
    (the report as Markdown, its chart images, the HTML report file to download)."""
    from coach.evals import report as eval_report
    from coach.evals import runner
    from coach.evals.dataset import load_cases
    from coach.evals.suite import load_suite

    with page_errors():
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
        out = _out_dir() / f"eval-{int(time.time() * 1000)}"
        summary = runner.write_run(out, items, {"engine": engine, "cases": len(items)})
        eval_report.write_report(out, items, summary)
    charts = sorted(str(p) for p in (out / "charts").glob("*.png"))
    return (out / "report.md").read_text(encoding="utf-8"), charts, str(out / "report.html")
