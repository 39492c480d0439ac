"""The web page: the only module that imports gradio.

`create_app(coach)` returns the Blocks without launching; handlers are plain functions that
tests call directly. Safe defaults: 127.0.0.1, share off, ssr_mode off, analytics off.
"""

from __future__ import annotations

import os
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr

from coach.core import Coach
from coach.errors import CoachError

EXAMPLES = [
    "Held 4 standups and a retro. Migrated the board from ZenHub to GitHub Projects. "
    "Updated the RAID log and closed 40 tickets in sprint 14.",
    "- Attended the weekly sync with the Epic team\n- Configured the new online booking form\n"
    "- Booking form live since 3 March: 1,200 patients booked online, so phone queues fell by 18%",
]


def handle_rewrite(
    coach: Coach, text: str, audience: str = "executive", length: str = "standard"
) -> tuple[str, list[tuple[str, str | None]], str, dict[str, Any]]:
    """Rewrite for the page: (rewrite, highlighted original, citations markdown, result dict)."""
    try:
        result = coach.rewrite(text, audience=audience, length=length)
    except CoachError as exc:
        raise gr.Error(str(exc)) from None
    return (
        result.text,
        highlight(result.source, result.analysis),
        citations_markdown(result),
        result.to_dict(),
    )


def highlight(text: str, analysis: Any) -> list[tuple[str, str | None]]:
    """Pieces of the original with their span category, for gr.HighlightedText."""
    out: list[tuple[str, str | None]] = []
    pos = 0
    for span in analysis.spans:
        if span.start < pos:
            continue
        if span.start > pos:
            out.append((text[pos : span.start], None))
        out.append((text[span.start : span.end], span.category))
        pos = span.end
    if pos < len(text):
        out.append((text[pos:], None))
    return out


def citations_markdown(result: Any) -> str:
    lines = []
    for i, c in enumerate(result.citations, 1):
        lines.append(
            f"**[{i}] {c.title or c.source}** > {c.section} (`{c.source}`, score {c.score:.2f})"
        )
        lines.append("> " + c.text[:400].replace("\n", " "))
    f = result.facts
    lines.append("")
    lines.append(
        f"**Engine:** {result.engine} · **Facts kept:** {f.kept}/{f.total}"
        + ("" if f.ok else f" · missing {', '.join(f.missing)} · added {', '.join(f.added)}")
        + f" · **Process talk:** {result.analysis.process_density:.0%} of units"
    )
    return "\n".join(lines)


def create_app(coach: Coach | None = None) -> gr.Blocks:
    coach = coach or Coach()
    with gr.Blocks(title="coach") as app:
        gr.Markdown("# coach\nPaste a status update; get it back in outcome and IMPACT language.")
        with gr.Row():
            with gr.Column():
                text = gr.Textbox(label="Your status update", lines=10, elem_id="update")
                with gr.Row():
                    audience = gr.Radio(
                        ["executive", "team", "client"], value="executive", label="Audience"
                    )
                    length = gr.Radio(["brief", "standard"], value="standard", label="Length")
                go = gr.Button("Rewrite", variant="primary", elem_id="rewrite-btn")
                gr.Examples(EXAMPLES, inputs=[text])
            with gr.Column():
                out = gr.Textbox(label="Rewrite", lines=12, elem_id="rewrite-out")
                spans = gr.HighlightedText(label="Process talk in your update", elem_id="spans")
                cites = gr.Markdown(elem_id="citations")
                raw = gr.JSON(label="Details", visible=False)
        go.click(
            lambda t, a, n: handle_rewrite(coach, t, a, n),
            inputs=[text, audience, length],
            outputs=[out, spans, cites, raw],
            api_name="rewrite",
        )
    return app


def serve(host: str | None = None, port: int | None = None, coach: Coach | None = None) -> None:
    coach = coach or Coach()
    s = coach.settings
    app = create_app(coach)
    app.queue(default_concurrency_limit=2, max_size=64)
    print(f"coach: serving on http://{host or s.host}:{port or s.port}", flush=True)
    app.launch(
        server_name=host or s.host,
        server_port=port or s.port,
        share=False,
        ssr_mode=False,
        max_file_size="20mb",
        show_error=True,
        quiet=True,
    )
