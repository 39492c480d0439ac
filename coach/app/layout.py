"""The page's layout: tabs Rewrite, Batch, Strategy corpus, Eval, and the named API endpoints.

`create_app(coach)` builds the Blocks without launching; `launch_options()` holds what Gradio 6
takes at launch (theme, css, head) so a test that launches in-process gets the same page.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from coach import engines
from coach.app import handlers
from coach.core import Coach
from coach.options import AUDIENCES, DEFAULT_AUDIENCE, DEFAULT_LENGTH, LENGTHS

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

# System fonts only: the page must not fetch anything from outside 127.0.0.1.
THEME = gr.themes.Default(
    primary_hue="indigo",
    font=["ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"],
    font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"],
)

CSS = """
.coach-original, .coach-redline { line-height: 1.7; white-space: normal; overflow-wrap: anywhere; }
mark.pt { border-radius: 3px; padding: 0 2px; cursor: help; background: #fde68a; color: #111; }
mark.pt-tool { background: #bfdbfe; } mark.pt-ceremony { background: #fbcfe8; }
mark.pt-artifact { background: #ddd6fe; } mark.pt-activity { background: #fde68a; }
mark.pt-methodology { background: #c7d2fe; } mark.pt-effort { background: #fed7aa; }
mark.pt-filler { background: #e5e7eb; }
mark.pt:focus { outline: 2px solid #4f46e5; }
.coach-redline del { background: #fee2e2; color: #991b1b; }
.coach-redline ins { background: #dcfce7; color: #166534; text-decoration: none; }
.coach-spans li, .coach-questions li { margin: 0.25em 0; }
.coach-spans .ask { color: #4b5563; font-style: italic; }
.coach-caption, .coach-empty, .coach-meta { color: #4b5563; font-size: 0.9em; }
.coach-findings li { color: #92400e; }
.coach-cite { border: 1px solid #e5e7eb; border-radius: 6px; padding: 0.4em 0.7em; margin: 0.4em 0; }
.coach-cite summary { cursor: pointer; font-weight: 600; }
.coach-cite .section { font-weight: 400; color: #4b5563; }
.coach-cite blockquote { margin: 0.5em 0; padding-left: 0.8em; border-left: 3px solid #c7d2fe; }
.coach-align { width: 100%; border-collapse: collapse; font-size: 0.92em; }
.coach-align td, .coach-align th { border-bottom: 1px solid #e5e7eb; padding: 4px 6px; text-align: left; }
.coach-align .unmapped { color: #b91c1c; font-weight: 600; }
.coach-score { display: flex; flex-wrap: wrap; gap: 8px; }
.coach-score .card { flex: 1 1 120px; border: 1px solid #e5e7eb; border-radius: 8px; padding: 8px; }
.coach-score .label { font-size: 0.8em; color: #4b5563; }
.coach-score .value { font-size: 1.3em; font-weight: 700; }
.coach-score .note { font-size: 0.75em; color: #6b7280; }
@media (max-width: 640px) { .coach-align td:nth-child(4), .coach-align th:nth-child(4) { display: none; } }
"""

# Ctrl+Enter (Cmd+Enter) in the page rewrites: keyboard users never need the mouse.
HEAD = """<script>
document.addEventListener('keydown', function (e) {
  if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
    var b = document.getElementById('rewrite-btn'); if (b) { e.preventDefault(); b.click(); }
  }
});
</script>"""


def launch_options() -> dict[str, Any]:
    """The launch() arguments that shape the page (Gradio 6 takes them at launch)."""
    return {"theme": THEME, "css": CSS, "head": HEAD}


def create_app(coach: Coach | None = None) -> gr.Blocks:
    """The page as Blocks, not launched; handlers close over one Coach."""
    coach = coach or Coach()
    s = coach.settings
    choices = list(engines.available(s))
    default_engine = engines.resolve(None, s)
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
                        with gr.Row():
                            audience = gr.Radio(
                                list(AUDIENCES), value=DEFAULT_AUDIENCE, label="Audience"
                            )
                            length = gr.Radio(list(LENGTHS), value=DEFAULT_LENGTH, label="Length")
                        with gr.Row():
                            collection = gr.Dropdown(
                                handlers.collections(coach),
                                value=s.collection,
                                label="Strategy (collection)",
                                allow_custom_value=True,
                                elem_id="collection",
                            )
                            engine = gr.Dropdown(
                                choices, value=default_engine, label="Engine", elem_id="engine"
                            )
                        go = gr.Button("Rewrite", variant="primary", elem_id="rewrite-btn")
                        gr.Examples(
                            EXAMPLES, inputs=[text], label="Examples: click one, then Rewrite"
                        )
                    with gr.Column(scale=1, min_width=300):
                        out = gr.Textbox(
                            label="Rewrite",
                            lines=12,
                            max_lines=40,
                            buttons=["copy"],
                            interactive=False,
                            elem_id="rewrite-out",
                        )
                        meta = gr.HTML(elem_id="meta")
                        with gr.Row():
                            dl_md = gr.DownloadButton(
                                "Download Markdown", elem_id="dl-md", size="sm"
                            )
                            dl_docx = gr.DownloadButton(
                                "Download DOCX", elem_id="dl-docx", size="sm"
                            )
                        score = gr.HTML(elem_id="scorecard")
                with gr.Row(equal_height=False):
                    with gr.Column(min_width=300):
                        gr.Markdown(
                            "### Process talk in your update\nHover or focus a mark for why."
                        )
                        spans = gr.HTML(elem_id="spans")
                        gr.Markdown("### Questions for you")
                        questions = gr.HTML(elem_id="questions")
                    with gr.Column(min_width=300):
                        gr.Markdown("### What changed")
                        red = gr.HTML(elem_id="redline")
                        gr.Markdown("### Strategy cited")
                        cites = gr.HTML(elem_id="citations")
                gr.Markdown("### Alignment map")
                align = gr.HTML(elem_id="alignment")
                rewrite_inputs = [text, audience, length, collection, engine]
                rewrite_outputs = [out, red, spans, questions, cites, align, score, meta]
                rewrite_outputs += [dl_md, dl_docx]
                go.click(
                    lambda *a: (yield from handlers.stream_rewrite(coach, *a)),
                    inputs=rewrite_inputs,
                    outputs=rewrite_outputs,
                    api_visibility="private",
                    concurrency_id="coach",
                )

            with gr.Tab("Batch", id="batch"):
                gr.Markdown(
                    "Upload a file of updates: `.csv`/`.tsv`/`.xlsx` (one update per row; other "
                    "columns kept), `.jsonl`, `.md` or `.docx` (one update per section) or `.txt` "
                    "(blank-line separated). The same file comes back, same order, with the "
                    "rewrite, engine, fact check and questions added. Thousands of rows: "
                    "`coach batch`."
                )
                b_file = gr.File(
                    label="Updates file",
                    file_types=list(handlers.BATCH_TYPES),
                    type="filepath",
                    elem_id="batch-file",
                )
                with gr.Row():
                    b_aud = gr.Radio(list(AUDIENCES), value=DEFAULT_AUDIENCE, label="Audience")
                    b_len = gr.Radio(list(LENGTHS), value=DEFAULT_LENGTH, label="Length")
                b_col = gr.Textbox(
                    label="Column holding the update (CSV/XLSX; empty: detected)",
                    elem_id="batch-col",
                )
                b_go = gr.Button("Run batch", variant="primary", elem_id="batch-btn")
                b_out = gr.File(label="Rewritten file", interactive=False, elem_id="batch-out")
                b_sum = gr.Markdown(elem_id="batch-summary")

                def do_batch(
                    path: str,
                    aud: str,
                    ln: str,
                    coll: str,
                    column: str = "",
                    progress: Any = gr.Progress(),  # noqa: B008
                ) -> tuple[str, str]:
                    if not path:
                        raise gr.Error("Choose a file of updates first.", print_exception=False)
                    out_path, counts = handlers.run_batch(
                        coach, path, aud, ln, coll,
                        progress=lambda d, t: progress(d / t, desc=f"{d}/{t} updates"),
                        column=column,
                    )  # fmt: skip
                    return out_path, handlers.batch_summary(counts)

                b_go.click(
                    do_batch,
                    inputs=[b_file, b_aud, b_len, collection, b_col],
                    outputs=[b_out, b_sum],
                    api_name="batch",
                    api_description="Rewrite every update of a csv/xlsx/jsonl/md/docx/txt file.",
                    concurrency_id="coach",
                )

            with gr.Tab("Strategy corpus", id="corpus"):
                gr.Markdown(
                    "Index your organisation's strategy documents (Markdown, text, HTML, PDF, "
                    "DOCX). Unchanged files are skipped; rewrites cite what is indexed here."
                )
                c_files = gr.File(
                    label="Strategy documents",
                    file_count="multiple",
                    file_types=list(handlers.CORPUS_TYPES),
                    type="filepath",
                    elem_id="corpus-files",
                )
                c_coll = gr.Textbox(value=s.collection, label="Collection", elem_id="corpus-coll")
                c_go = gr.Button("Index documents", variant="primary", elem_id="corpus-btn")
                c_status = gr.Markdown(elem_id="corpus-status")
                c_table = gr.Dataframe(
                    headers=["collection", "document", "chunks", "indexed"],
                    value=handlers.corpus_rows(coach) or None,
                    interactive=False,
                    label="Indexed",
                    elem_id="corpus-table",
                )

                with gr.Row():
                    c_doc = gr.Dropdown(
                        choices=handlers.document_names(coach, s.collection),
                        label="Document",
                        scale=3,
                        elem_id="corpus-doc",
                    )
                    c_rm = gr.Button("Remove", variant="stop", scale=1, elem_id="corpus-remove")

                def do_ingest(paths: list[str], coll: str, progress: Any = gr.Progress()) -> tuple:  # noqa: B008
                    def cb(*args: Any) -> None:
                        if len(args) >= 3:
                            progress(args[0] / max(args[1], 1), desc=f"indexed {args[2]}")

                    msg = handlers.ingest_uploads(coach, paths or [], coll, progress=cb)
                    choices = handlers.collections(coach)
                    docs = handlers.document_names(coach, coll)
                    return (
                        msg,
                        handlers.corpus_rows(coach),
                        gr.Dropdown(choices=choices),
                        gr.Dropdown(choices=docs, value=None),
                    )

                def do_remove(doc: str, coll: str) -> tuple:
                    msg = handlers.remove_documents(coach, doc, coll)
                    docs = handlers.document_names(coach, coll)
                    return msg, handlers.corpus_rows(coach), gr.Dropdown(choices=docs, value=None)

                c_go.click(
                    do_ingest,
                    inputs=[c_files, c_coll],
                    outputs=[c_status, c_table, collection, c_doc],
                    api_visibility="private",
                    concurrency_id="coach",
                )
                c_rm.click(
                    do_remove,
                    inputs=[c_doc, c_coll],
                    outputs=[c_status, c_table, c_doc],
                    api_visibility="private",
                    concurrency_id="coach",
                )
                c_coll.change(
                    lambda coll: gr.Dropdown(choices=handlers.document_names(coach, coll)),
                    inputs=[c_coll],
                    outputs=[c_doc],
                    api_visibility="private",
                )

            with gr.Tab("Eval", id="eval"):
                gr.Markdown(
                    "Run the eval suite (as `coach eval` does) on the first cases of the dataset: "
                    "every gate per case, a summary, charts and the HTML report."
                )
                e_n = gr.Slider(1, 30, value=5, step=1, label="Cases", elem_id="eval-n")
                e_go = gr.Button("Run eval", variant="primary", elem_id="eval-btn")
                e_out = gr.Markdown(elem_id="eval-report")
                e_charts = gr.Gallery(
                    label="Charts", columns=2, height="auto", elem_id="eval-charts"
                )
                e_file = gr.File(label="HTML report", elem_id="eval-html")

                def do_eval(n: float, progress: Any = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
                    return handlers.run_eval(
                        coach, int(n), progress=lambda d, t: progress(d / t, desc=f"{d}/{t} cases")
                    )

                e_go.click(
                    do_eval,
                    inputs=[e_n],
                    outputs=[e_out, e_charts, e_file],
                    api_visibility="private",
                    concurrency_id="coach",
                )

        def rewrite(
            text: str,
            audience: str = DEFAULT_AUDIENCE,
            length: str = DEFAULT_LENGTH,
            collection: str = "",
            engine: str = "",
        ) -> dict:
            """Rewrite one update; returns the full result (text, engine, facts, citations...)."""
            return handlers.api_rewrite(coach, text, audience, length, collection, engine)

        def analyze(text: str) -> dict:
            """Which words are process talk and why: units, labels, spans, density."""
            return handlers.api_analyze(coach, text)

        gr.api(rewrite, api_name="rewrite", concurrency_id="coach")
        gr.api(analyze, api_name="analyze")
    return app
