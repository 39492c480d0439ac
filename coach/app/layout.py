"""The page's layout: tabs Rewrite, Batch, Strategy, Eval, and the named API endpoints.

`create_app(coach)` builds the Blocks without launching; `launch_options()` holds what Gradio 6
takes at launch (theme, css, head) so a test that launches in-process gets the same page.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import gradio as gr

from coach.app import evaltab, handlers, render, tabs
from coach.app.style import CSS, HEAD, SHOW_RESULT
from coach.core import Coach
from coach.errors import CoachError
from coach.options import AUDIENCES, DEFAULT_AUDIENCE, DEFAULT_LENGTH, LENGTHS

EXAMPLES, BEFORE = tabs.EXAMPLES, tabs.BEFORE  # the page's texts live in tabs.py

# System fonts only: the page must not fetch anything from outside 127.0.0.1.
THEME = gr.themes.Default(
    primary_hue="indigo",
    font=["ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"],
    font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"],
)


@contextmanager
def page_errors() -> Iterator[None]:
    """CoachError -> gr.Error with its one sentence; the page shows it, never a traceback."""
    try:
        yield
    except CoachError as exc:
        raise gr.Error(str(exc), print_exception=False) from None


def skip(value: Any) -> Any:
    """handlers.SKIP (leave the panel as it is) as gradio says it; any other value as it is."""
    return gr.skip() if value is handlers.SKIP else value


def _session(request: Any) -> str:
    """The browser session a Stop belongs to. A request with none (a client that keeps no
    session) is a session of its own: one shared name let any such client stop another's run."""
    return str(getattr(request, "session_hash", "") or f"request-{uuid.uuid4().hex}")


def launch_options() -> dict[str, Any]:
    """The launch() arguments that shape the page (Gradio 6 takes them at launch)."""
    return {"theme": THEME, "css": CSS, "head": HEAD}


def private(event: Any, fn: Any, inputs: list, outputs: list, **kw: Any) -> Any:
    """Wire a listener the page needs but the named API does not offer (that is only rewrite,
    analyze and batch); returns the event, so `.then` can follow."""
    return event(fn, inputs=inputs, outputs=outputs, api_visibility="private", **kw)


def style_radios(prefix: str = "") -> tuple[gr.Radio, gr.Radio]:
    """Audience and length in one row, from the option lists: the Rewrite and Batch tabs offer
    the same choices with the same defaults."""
    with gr.Row():
        return (
            gr.Radio(
                list(AUDIENCES),
                value=DEFAULT_AUDIENCE,
                label="Audience",
                elem_id=f"{prefix}audience",
            ),
            gr.Radio(
                list(LENGTHS), value=DEFAULT_LENGTH, label="Length", elem_id=f"{prefix}length"
            ),
        )


def collection_picker(coach: Coach, label: str, elem_id: str) -> gr.Dropdown:
    """The strategy collection to cite from: the store's, the settings' selected, any name typed."""
    return gr.Dropdown(
        handlers.collections(coach),
        value=coach.settings.collection,
        label=f"Strategy to cite{label}",
        allow_custom_value=True,
        elem_id=elem_id,
    )


def create_app(coach: Coach | None = None) -> gr.Blocks:
    """The page as Blocks, not launched; handlers close over one Coach."""
    coach = coach or Coach()
    s = coach.settings
    choices, default_engine = handlers.engine_choices(s)
    with gr.Blocks(title="coach: status updates in outcome language") as app:
        gr.Markdown(
            "# coach\nPaste a status update. coach marks the process talk, rewrites it in outcome "
            "and impact language grounded in your strategy, keeps every fact, and asks for the "
            "outcome it cannot find. *Ctrl+Enter rewrites.*"
        )
        with gr.Tabs():
            with gr.Tab("Rewrite", id="rewrite"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=1, min_width=300):
                        text = gr.Textbox(
                            label="Your status update",
                            lines=9,
                            max_lines=30,
                            placeholder="Held 4 standups, migrated the board, closed 40 tickets…",
                            elem_id="update",
                            autofocus=True,
                        )
                        audience, length = style_radios()
                        style = gr.Markdown(
                            handlers.style_note(coach, default_engine), elem_id="style-note"
                        )
                        with gr.Row():
                            collection = collection_picker(coach, "", "collection")
                            engine = gr.Dropdown(
                                choices, value=default_engine, label="Engine", elem_id="engine"
                            )
                        go = gr.Button("Rewrite", variant="primary", elem_id="rewrite-btn")
                        gr.Examples(
                            EXAMPLES, inputs=[text], label="Examples: click one, then Rewrite"
                        )
                    with gr.Column(scale=1, min_width=300, elem_id="result"):
                        status = gr.HTML(elem_id="status")
                        out = gr.Textbox(
                            label="Rewrite: yours to edit; copy and downloads take this text",
                            lines=10,
                            max_lines=40,
                            buttons=["copy"],
                            interactive=True,
                            elem_id="rewrite-out",
                        )
                        with gr.Row():
                            dl_md = gr.DownloadButton(
                                "Download Markdown", elem_id="dl-md", size="sm"
                            )
                            dl_docx = gr.DownloadButton(
                                "Download DOCX", elem_id="dl-docx", size="sm"
                            )
                        meta = gr.HTML(elem_id="meta")
                        gr.Markdown("### Coaching notes\nFor you, not for the reader.")
                        notes = gr.HTML(render.empty(BEFORE["notes"]), elem_id="questions")
                        answer = gr.Textbox(
                            label="Answer a question",
                            placeholder="e.g. Phone queues fell by 18% since booking went online.",
                            lines=2,
                            elem_id="answer",
                        )
                        answer_go = gr.Button(
                            "Add my answer to the update and rewrite",
                            size="sm",
                            elem_id="answer-btn",
                        )
                        score = gr.HTML(elem_id="scorecard")
                gr.Markdown(
                    "### How your update became the rewrite\n"
                    "Each sentence or bullet beside what it became; hover a row to light it up."
                )
                changes = gr.HTML(elem_id="changes")
                with gr.Row(equal_height=False):
                    with gr.Column(min_width=300):
                        gr.Markdown(
                            "### Process talk in your update\nHover or focus a mark for why."
                        )
                        spans = gr.HTML(elem_id="spans")
                    with gr.Column(min_width=300):
                        gr.Markdown("### Strategy cited")
                        cites = gr.HTML(render.empty(BEFORE["cites"]), elem_id="citations")
                gr.Markdown("### Alignment map")
                align = gr.HTML(render.empty(BEFORE["align"]), elem_id="alignment")
                last = gr.State()
                rewrite_inputs = [text, audience, length, collection, engine]
                by_name = {
                    "text": out,
                    "status": status,
                    "meta": meta,
                    "notes": notes,
                    "score": score,
                    "changes": changes,
                    "spans": spans,
                    "cites": cites,
                    "align": align,
                    "md": dl_md,
                    "docx": dl_docx,
                    "state": last,
                }
                rewrite_outputs = [by_name[k] for k in handlers.PANELS]

                def run(*a: Any) -> Any:
                    for values in handlers.stream_rewrite(coach, *a):
                        yield tuple(skip(v) for v in values)

                def rewrite_on(event: Any) -> None:
                    """Run the rewrite on `event` (a listener such as go.click), then show it."""
                    private(
                        event, run, rewrite_inputs, rewrite_outputs, concurrency_id="coach"
                    ).then(None, js=SHOW_RESULT, api_visibility="private")

                rewrite_on(go.click)
                rewrite_on(
                    private(
                        answer_go.click, handlers.add_answer, [text, answer], [text, answer]
                    ).then
                )
                # The downloads follow the box: an edit (typed, pasted or filled) is what goes out.
                private(
                    out.change,
                    handlers.exports,
                    [out, last],
                    [dl_md, dl_docx],
                    trigger_mode="always_last",
                    show_progress="hidden",
                )
                private(
                    engine.change,
                    lambda e: handlers.style_note(coach, e),
                    [engine],
                    [style],
                    show_progress="hidden",
                )

            with gr.Tab("Batch", id="batch"):
                gr.Markdown(tabs.BATCH_INTRO)
                b_file = gr.File(
                    label="File of updates",
                    file_types=list(handlers.BATCH_TYPES),
                    type="filepath",
                    elem_id="batch-file",
                )
                b_aud, b_len = style_radios("batch-")
                with gr.Row():
                    b_coll = collection_picker(coach, " for this batch", "batch-coll")
                    b_col = gr.Textbox(
                        label="Column holding the update (spreadsheets; leave empty to detect it)",
                        elem_id="batch-col",
                    )
                with gr.Row():
                    b_go = gr.Button("Run batch", variant="primary", scale=3, elem_id="batch-btn")
                    b_stop = gr.Button("Stop", variant="stop", scale=1, elem_id="batch-stop")
                b_status = gr.HTML(elem_id="batch-status")
                b_note = gr.HTML(elem_id="batch-stop-note")  # Stop's answer: tabs.stop_batch
                b_out = gr.File(
                    label="Rewritten file, report and chart",
                    file_count="multiple",
                    interactive=False,
                    elem_id="batch-out",
                )
                b_sum = gr.HTML(elem_id="batch-summary")
                b_in = [b_file, b_aud, b_len, b_coll, b_col]

                def do_batch_page(ticket: int | None, path: str, aud: str, ln: str, coll: str, column: str, request: gr.Request, progress: Any = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008  # fmt: skip
                    report = lambda f, d: progress(f, desc=d)  # noqa: E731
                    return tabs.batch_page(coach, _session(request), path, aud, ln, coll, column, report=report, ticket=ticket)  # fmt: skip

                def do_stop(request: gr.Request) -> str:
                    return tabs.stop_batch(_session(request))

                def do_arm(request: gr.Request) -> tuple[str, int]:
                    return tabs.batch_armed(_session(request))

                # "armed" runs first, outside the queue, and hands the run its ticket: Stop can
                # cancel a run still queued, and a run request lost in between holds back none
                # after it (coach/app/stops.py)
                b_ticket = gr.State(None)
                armed = private(b_go.click, do_arm, [], [b_note, b_ticket], queue=False, show_progress="hidden")  # fmt: skip
                outs = [b_status, b_out, b_sum]
                private(armed.then, do_batch_page, [b_ticket, *b_in], outs, concurrency_id="coach",
                        show_progress_on=[b_sum])  # fmt: skip
                private(b_stop.click, do_stop, [], [b_note], queue=False, show_progress="hidden")
                # The named endpoint as it was, (file, summary) and an exception for bad input,
                # on a trigger of its own: the page's listener answers with a sentence and a chart.
                api_out, api_sum = gr.File(visible=False), gr.Markdown(visible=False)

                def do_batch(path: str, aud: str, ln: str, coll: str, column: str = "", progress: Any = gr.Progress()) -> tuple[str, str]:  # noqa: B008  # fmt: skip
                    if not path:
                        raise gr.Error("Choose a file of updates first.", print_exception=False)
                    with page_errors():
                        out_path, counts = handlers.run_batch(
                            coach, path, aud, ln, coll, column=column,
                            progress=lambda d, t: progress(d / t if t else 0, desc=f"{d}/{t}"),
                        )  # fmt: skip
                    return out_path, handlers.batch_summary(counts)

                gr.Button(visible=False).click(
                    do_batch,
                    inputs=b_in,
                    outputs=[api_out, api_sum],
                    api_name="batch",
                    api_description="Rewrite every update of a csv/xlsx/jsonl/md/docx/txt file.",
                    concurrency_id="coach",
                )

            with gr.Tab("Strategy", id="corpus"):
                gr.Markdown(tabs.STRATEGY_INTRO)
                c_files = gr.File(
                    label="Strategy documents",
                    file_count="multiple",
                    file_types=list(handlers.CORPUS_TYPES),
                    type="filepath",
                    elem_id="corpus-files",
                )
                c_coll = gr.Textbox(
                    value=s.collection,
                    label="Strategy set (collection) to index into",
                    info="Rewrites cite the set chosen as Strategy on the Rewrite and Batch tabs.",
                    elem_id="corpus-coll",
                )
                c_go = gr.Button("Index documents", variant="primary", elem_id="corpus-btn")
                note, rows = tabs.strategy_start(coach)
                c_status = gr.HTML(note, elem_id="corpus-status")
                c_table = gr.Dataframe(
                    headers=["strategy set", "document", "passages", "indexed"],
                    value=rows or None,
                    interactive=False,
                    label="Indexed documents",
                    elem_id="corpus-table",
                )
                with gr.Row():
                    c_doc = gr.Dropdown(
                        choices=handlers.document_names(coach, s.collection),
                        label="Document to remove (from the set above)",
                        scale=3,
                        elem_id="corpus-doc",
                    )
                    c_rm = gr.Button("Remove", variant="stop", scale=1, elem_id="corpus-remove")

                def do_ingest(paths: list[str], coll: str, progress: Any = gr.Progress()) -> tuple:  # noqa: B008
                    msg, rows, sets, docs, files = tabs.ingest_page(
                        coach, paths, coll, lambda f, d: progress(f, desc=d)
                    )
                    picked = [skip(sets) if sets is tabs.SKIP else gr.Dropdown(choices=sets)] * 2
                    docs = (
                        skip(docs) if docs is tabs.SKIP else gr.Dropdown(choices=docs, value=None)
                    )
                    return msg, skip(rows), *picked, docs, skip(files)

                def do_remove(doc: str, coll: str) -> tuple:
                    msg, rows, docs = tabs.remove_page(coach, doc, coll)
                    docs = (
                        skip(docs) if docs is tabs.SKIP else gr.Dropdown(choices=docs, value=None)
                    )
                    return msg, skip(rows), docs

                c_outputs = [c_status, c_table, collection, b_coll, c_doc, c_files]
                private(c_go.click, do_ingest, [c_files, c_coll], c_outputs, concurrency_id="coach")
                private(c_rm.click, do_remove, [c_doc, c_coll], [c_status, c_table, c_doc],
                        concurrency_id="coach")  # fmt: skip
                private(
                    c_coll.change,
                    lambda coll: gr.Dropdown(choices=handlers.document_names(coach, coll)),
                    [c_coll],
                    [c_doc],
                )

            with gr.Tab("Eval", id="eval"):
                gr.Markdown(
                    "Run the eval suite (as `coach eval` does) on the first cases of the dataset: "
                    "every gate per case, a summary, charts and the HTML report."
                )
                e_n = gr.Slider(1, 30, value=5, step=1, label="Cases", elem_id="eval-n")
                e_go = gr.Button("Run eval", variant="primary", elem_id="eval-btn")
                e_charts = gr.HTML(elem_id="eval-charts")
                e_out = gr.Markdown(elem_id="eval-report")
                e_file = gr.File(label="HTML report", elem_id="eval-html")

                def do_eval(n: float, progress: Any = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
                    with page_errors():
                        report, charts, html = evaltab.run_eval(
                            coach, int(n), progress=lambda d, t: progress(d / t, desc=f"{d}/{t}")
                        )
                    return report, render.charts(charts), html

                private(
                    e_go.click, do_eval, [e_n], [e_out, e_charts, e_file], concurrency_id="coach"
                )

        def rewrite(
            text: str,
            audience: str = DEFAULT_AUDIENCE,
            length: str = DEFAULT_LENGTH,
            collection: str = "",
            engine: str = "",
        ) -> dict:
            """Rewrite one update; returns the full result (text, engine, facts, citations...)."""
            with page_errors():
                return handlers.api_rewrite(coach, text, audience, length, collection, engine)

        def analyze(text: str) -> dict:
            """Which words are process talk and why: units, labels, spans, density."""
            with page_errors():
                return handlers.api_analyze(coach, text)

        gr.api(rewrite, api_name="rewrite", concurrency_id="coach")
        gr.api(analyze, api_name="analyze")
    return app
