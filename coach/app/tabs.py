"""What the Batch and Strategy tabs do and say, as plain functions layout.py wires (no gradio).

Both answer bad input the way the Rewrite tab does: one sentence where the answer goes, earlier
results cleared, never a red "Error" over every output (which also covered the document picker,
so Remove could not be clicked after a failed upload). Layout turns SKIP into "leave as it is".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from coach.app import batchview, handlers, render, stops
from coach.core import Coach
from coach.errors import CoachError

EXAMPLES = [
    [
        "Held 4 standups and a retro. Migrated the board from ZenHub to GitHub Projects. "
        "Updated the RAID log and closed 40 tickets in sprint 14."
    ],
    [
        "- Attended the weekly sync with the Epic team\n- Configured the new online booking form\n"
        "- Booking form live since 3 March: 1,200 patients booked online, so phone queues fell by 18%"
    ],
    [
        "Ran 3 workshops with ward managers and updated the rostering Confluence page. "
        "Rotas now go out 8 weeks ahead on 14 wards, up from 3 weeks."
    ],
]
# What the result panels say before the first rewrite: headings over nothing read as broken.
BEFORE = {
    "notes": "After a rewrite: the questions to answer so the update says what changed.",
    "cites": "After a rewrite: the strategy passages it cites, or the closest one.",
    "align": "After a rewrite: which strategy goal each piece of work serves.",
}
BATCH_INTRO = (
    "Rewrite many updates at once. Upload a spreadsheet (`.csv`, `.tsv`, `.xlsx`: one update per "
    "row, your other columns kept), a `.jsonl` file, a `.md` or `.docx` document (one update per "
    "section) or a `.txt` file (updates separated by a blank line). You get the same file back, "
    "in the same order, with the rewrite, a fact check and the coaching questions added to each "
    "update, and a summary with a chart here. A page run suits tens or hundreds of updates; for "
    "thousands, `coach batch FILE -o OUT` in a terminal resumes if it is interrupted."
)
STRATEGY_INTRO = (
    "Add your organisation's strategy documents (Markdown, text, HTML, PDF or DOCX): rewrites "
    "cite the passages that match, and ask which goal the work serves when none does. Upload a "
    "revised file under the same name to replace the old version; unchanged files are skipped."
)
NOTHING_INDEXED = (
    "Nothing here yet: add your strategy documents above, then press Index documents. "
    "Until then rewrites cite nothing."
)
SKIP = handlers.SKIP
Report = Callable[[float, str], Any]  # (fraction done, what is happening) -> the progress bar
STOPS = stops.Stops()  # the Stop button's flags, per browser session


def batch_page(
    coach: Coach,
    session: str,
    path: str | None,
    *form: str | None,
    report: Report,
    ticket: int | None = None,
) -> tuple[str, list[str] | None, str]:
    """Run the Batch tab (form: audience, length, collection, column): (status, files, results).
    Stop (`stop_batch`) is read before each update; a stopped run still writes its file, with
    the updates done rewritten and the rest as they were (batchview.page_batch says which).
    `ticket` is the one `batch_armed` gave the click (none for a caller that did not arm)."""
    begun = STOPS.start(session, ticket)
    if begun is None:
        return render.status("Stopped before it started: nothing was rewritten."), None, ""
    ticket, stop = begun

    def tick(done: int, total: int) -> None:
        if stop():
            report(done / max(total, 1), f"Stopping after {done} of {total} updates…")
        elif total:
            report(done / total, f"{done} of {total} updates rewritten")
        else:
            report(0.0, "Reading the file and loading the models…")

    aud, ln, coll, column = (list(form) + [None] * 4)[:4]
    try:
        return batchview.page_batch(
            coach, path, aud, ln, coll, column=column, progress=tick, stop=stop
        )
    finally:
        STOPS.end(session, ticket)


def batch_armed(session: str) -> tuple[str, int]:
    """Run batch was clicked (outside the queue): Stop can now reach the run while it waits.
    Clears Stop's panel of an earlier run's answer; the ticket goes to the run."""
    return "", STOPS.armed(session)


def stop_batch(session: str) -> str:
    """Set this session's Stop flag: the run ends before its next update, never inside one (a
    thread cannot be killed safely); a run still waiting in the queue never starts. The answer
    goes to its own panel beside the run's status: the run's "Stopped after N" may reach the
    browser before this reply does (a separate request), and a late "Stopping..." written over
    it read as a run that never stopped. This sentence stays true whichever arrives last."""
    return render.status(STOPS.stop(session))


def strategy_start(coach: Coach) -> tuple[str, list[list[Any]]]:
    """The Strategy tab at first sight: (status, table), an empty state when nothing is there."""
    rows = handlers.corpus_rows(coach)
    return ("" if rows else render.empty(NOTHING_INDEXED)), rows


def ingest_page(
    coach: Coach, paths: list[str] | None, collection: str, report: Report
) -> tuple[Any, ...]:
    """Index the uploads: (status, table, picker choices, documents, files) or, when nothing
    could be indexed, the sentence and SKIP for the rest. The file box empties on success, so
    the next upload (into another set, say) is not these files again."""

    def cb(*args: Any) -> None:
        if len(args) >= 3:
            report(args[0] / max(args[1], 1), f"indexed {args[2]}")

    try:
        msg = handlers.ingest_uploads(coach, paths or [], collection, progress=cb)
    except CoachError as exc:
        return render.status(str(exc)), SKIP, SKIP, SKIP, SKIP
    docs = handlers.document_names(coach, collection)
    return render.lines(msg), handlers.corpus_rows(coach), handlers.collections(coach), docs, None


def remove_page(coach: Coach, doc: str | None, collection: str) -> tuple[Any, ...]:
    """(status, table, documents) after Remove; no document chosen is a sentence."""
    try:
        msg = handlers.remove_documents(coach, doc, collection)
    except CoachError as exc:
        return render.status(str(exc)), SKIP, SKIP
    rows = handlers.corpus_rows(coach)
    note = render.lines(msg) + ("" if rows else render.empty(NOTHING_INDEXED))
    return note, rows, handlers.document_names(coach, collection)
