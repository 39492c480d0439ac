"""What the page's buttons do: plain functions of (coach, inputs) that tests call directly.

No gradio here: bad input on the Rewrite tab comes back as a status sentence; elsewhere a
CoachError propagates and layout.py shows its one sentence. Uploads are checked here, on the server,
whatever the browser's file picker allowed.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from coach.app import render, sidebyside
from coach.batch.formats import SUFFIXES as BATCH_TYPES  # the batch format registry
from coach.core import Coach
from coach.errors import CoachError, InputError
from coach.ingest.formats import SUFFIXES as CORPUS_TYPES  # the ingest loader registry
from coach.options import DEFAULT_AUDIENCE, DEFAULT_LENGTH, RewriteOptions

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
_OUT = Path(tempfile.mkdtemp(prefix="coach-page-"))


def out_dir() -> Path:
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


def _collection(coach: Coach, value: str | None) -> str | None:
    """A collection the store does not hold is one sentence, not a rewrite without a strategy."""
    name = _choice(value)
    if name and name != coach.settings.collection and name not in coach.store.collections():
        raise InputError(
            f"There is no strategy collection {name!r}: index documents into it in the "
            "Strategy tab, or choose another."
        )
    return name


def form_options(
    coach: Coach,
    audience: str | None = DEFAULT_AUDIENCE,
    length: str | None = DEFAULT_LENGTH,
    collection: str | None = None,
    engine: str | None = None,
    **rest: Any,
) -> RewriteOptions:
    """The Rewrite form (audience, length, collection, engine, as the widgets send them) as
    options: the one place that reads it, so every handler below takes `*form` and means this.
    A collection the store does not hold is one sentence."""
    return RewriteOptions.from_form(
        audience, length, _collection(coach, collection), engine, **rest
    )


def rewrite_result(coach: Coach, text: str, *form: str | None, **named: str | None) -> Any:
    """The RewriteResult for `text` and the form; bad input raises its CoachError."""
    return coach.rewrite(text or "", form_options(coach, *form, **named))


SKIP = object()  # "leave this panel as it is" (layout.py turns it into gr.skip())

# The Rewrite tab's outputs, in the order layout.py wires them.
PANELS = (
    "text",  # the reader's text, editable
    "status",  # one sentence when the input cannot be used, else empty
    "meta",  # engine, model, prompt, collection, time
    "notes",  # coaching notes: questions and findings (never in the text)
    "score",  # the scorecard
    "changes",  # each source unit beside what it became
    "spans",  # the update with its process talk marked
    "cites",  # strategy passages cited
    "align",  # the alignment map
    "md",  # Markdown download of the text
    "docx",  # DOCX download of the text
    "state",  # the last result, so edits can be exported with its sources
)


def exports(text: str, result: Any) -> tuple[str, str]:
    """(Markdown path, DOCX path) of exactly this text and the sources it cites."""
    out = out_dir()
    citations = tuple(getattr(result, "citations", ()) or ())
    md = out / "coach-update.md"
    md.write_text(render.markdown_export(text, citations), encoding="utf-8")
    return str(md), render.docx_export(text, citations, str(out / "coach-update.docx"))


def panels(result: Any) -> tuple[Any, ...]:
    """Every Rewrite-tab output for one result, in PANELS order."""
    text = render.reader_text(result)
    md, docx = exports(text, result)
    values = {
        "text": text,
        "status": "",
        "meta": render.meta(result),
        "notes": render.notes(result),
        "score": render.scorecard(result, render.scores(result)),
        "changes": sidebyside.changes(result),
        "spans": render.highlighted(result.analysis),
        "cites": render.citations(result),
        "align": render.alignment(result),
        "md": md,
        "docx": docx,
        "state": result,
    }
    return tuple(values[k] for k in PANELS)


def failed(message: str) -> tuple[Any, ...]:
    """The input could not be used: one sentence, and every earlier result cleared."""
    values: dict[str, Any] = dict.fromkeys(PANELS, "")
    values.update(status=render.status(message), md=None, docx=None, state=None)
    return tuple(values[k] for k in PANELS)


def handle_rewrite(
    coach: Coach, text: str, *form: str | None, **named: str | None
) -> tuple[Any, ...]:
    """The Rewrite tab in one call (no streaming): see PANELS. Bad input is a status sentence."""
    try:
        result = rewrite_result(coach, text, *form, **named)
    except CoachError as exc:
        return failed(str(exc))
    return panels(result)


def stream_rewrite(
    coach: Coach, text: str, *form: str | None, **named: str | None
) -> Iterator[tuple[Any, ...]]:
    """The model's draft streams into the rewrite box, then the guarded result fills the page
    (its text may differ: repaired, or the offline fallback, as the notes say)."""
    draft = ""
    try:
        for item in coach.rewrite_stream(text or "", form_options(coach, *form, **named)):
            if isinstance(item, str):
                draft += item
                yield (draft, *[SKIP] * (len(PANELS) - 1))
            else:
                yield panels(item)
    except CoachError as exc:
        yield failed(str(exc))


def add_answer(update: str, answer: str) -> tuple[str, str]:
    """Fold the author's answer into the update (as a bullet if the update is bulleted), so the
    next rewrite has the outcome it asked for; the answer box empties."""
    answer = (answer or "").strip()
    update = (update or "").rstrip()
    if not answer:
        return update, ""
    bulleted = any(ln.lstrip().startswith(("- ", "* ")) for ln in update.splitlines())
    if bulleted:
        answer = "\n".join(f"- {ln.strip()}" for ln in answer.splitlines() if ln.strip())
    elif answer[-1] not in ".!?":
        answer += "."
    return (f"{update}\n{answer}" if update else answer), ""


def style_note(coach: Coach, engine: str | None) -> str:
    """Say when the chosen engine writes the same text whatever the audience and length."""
    try:
        name = coach.engine(_choice(engine)).name
        caps = coach.capabilities(_choice(engine))
    except CoachError as exc:
        return str(exc)
    honours = {"audience": caps.honours_audience, "length": caps.honours_length}
    ignored = [k for k, v in honours.items() if not v]
    if not ignored:
        return ""
    return (
        f"The {name} engine writes the same text for every {' and '.join(ignored)}: "
        "these choices need a model engine (see the README)."
    )


def engine_choices(settings: Any) -> tuple[list[str], str]:
    """The engines this page can run and the one selected at start, from the registry."""
    from coach import engines

    return list(engines.available(settings)), engines.resolve(None, settings)


def warm_up(coach: Coach, text: str) -> None:
    """One rewrite before the port opens: embeddings, store and scorer are loaded by the first
    click. A store with nothing indexed yet is fine; the page says so on the first rewrite."""
    handle_rewrite(coach, text)  # bad input or an empty store come back as a status sentence


def api_rewrite(coach: Coach, text: str, *form: str | None, **named: str | None) -> dict[str, Any]:
    """/rewrite for gradio_client: the full RewriteResult as a JSON object."""
    return rewrite_result(coach, text, *form, **named).to_dict()


def api_analyze(coach: Coach, text: str) -> dict[str, Any]:
    """/analyze for gradio_client: units, labels, process-talk spans and density."""
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
    stop: Callable[[], bool] | None = None,
) -> tuple[str, dict[str, Any]]:
    """Rewrite a whole file with coach.batch: same format and order back, a row that fails is
    recorded and never stops the others; `stop` (the page's Stop) ends it between rows, with
    the rows done written. Returns (output path, summary counts)."""
    from coach.batch import run_batch as batch

    src = check_upload(path, BATCH_TYPES, "batch file")
    if progress:  # reading the file and loading the models come before the first row is done
        progress(0, 0)
    out = out_dir() / f"{src.stem}.rewritten{src.suffix.lower()}"
    summary = batch(
        coach,
        src,
        out,
        column=column or None,
        # the same columns as `coach batch`, content preservation included
        options=form_options(coach, audience, length, collection, metrics=True),
        progress=(lambda d, t, _s: progress(d, t)) if progress else None,
        report_path=out.with_suffix(".report.md"),
        stop=stop,
    )
    counts = {
        "collection": _choice(collection) or coach.settings.collection,
        "rows": summary.total,
        "ok": summary.ok,
        "fallback": summary.fallback,
        "failed": summary.failed,
        "skipped": summary.skipped,
        "left": summary.left,  # not reached: the run was stopped
        "stopped": summary.stopped,
        "seconds": round(summary.seconds, 2),
        "line": summary.line(),
        "failures": list(summary.failures),  # (row index, reason): the page lists them
        "report": summary.report,  # the Markdown report, its chart beside it
    }
    return str(out), counts


def batch_summary(counts: dict[str, Any]) -> str:
    return (
        f"**{counts['rows']}** update(s): {counts['ok']} rewritten, {counts['fallback']} fell back "
        f"to the offline coach, {counts['failed']} failed, {counts['skipped']} passed through"
        + (f", {counts['left']} not reached (stopped)" if counts.get("stopped") else "")
        + f"; {counts['seconds']} s, strategy collection {counts.get('collection', '-')!r}."
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
        raise InputError("Choose one or more documents to index first.")
    # Kept under COACH_HOME by collection and the name the user gave: the manifest records
    # that name and a path that lasts, and a revised upload replaces the old version.
    name = _choice(collection) or coach.settings.collection
    staged = coach.settings.home / "documents" / re.sub(r"[^\w.-]", "_", name)
    staged.mkdir(parents=True, exist_ok=True)
    files, refused = [], []
    for p in paths:  # one empty or wrong file is reported; the others are still indexed
        try:
            src = check_upload(p, CORPUS_TYPES, "strategy document")
        except InputError as exc:
            refused.append(str(exc))
            continue
        dst = staged / src.name
        shutil.copyfile(src, dst)
        files.append(dst)
    if not files:
        raise InputError(" ".join(refused))
    stats = coach.ingest(files, collection=name, progress=progress)
    if refused:
        stats = {
            **stats,
            "errors": (stats.get("errors") or 0) + len(refused),
            "messages": [*refused, *(stats.get("messages") or [])],
        }
    return ingest_summary(stats, name)


def ingest_summary(stats: dict[str, Any], collection: str) -> str:
    """One sentence a person reads (as `coach ingest` prints it), then one line per skipped file."""
    n = stats.get
    line = (
        f"Indexed {n('files', 0)} document(s) into {collection!r}: {n('added', 0)} new passage(s), "
        f"{n('unchanged', 0)} unchanged, {n('removed', 0)} removed"
    )
    line += f", {n('errors')} could not be read." if n("errors") else "."
    return "\n".join([line, *[f"- skipped: {m}" for m in n("messages") or []]])


def remove_documents(coach: Coach, names: list[str] | str | None, collection: str | None) -> str:
    """Remove the chosen documents from a collection (the corpus tab's remove control)."""
    chosen = [names] if isinstance(names, str) else list(names or [])
    if not chosen:
        raise InputError("Choose a document to remove first.")
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
