"""The page's handlers as plain functions, the safety of serve(), and every named endpoint
answered for real by `coach serve` through gradio_client."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from gradio_client import Client, handle_file

from coach import Coach, CoachError, ConfigError
from coach.app import check_bind, handle_rewrite, parse_auth, render
from coach.app.handlers import check_upload, corpus_rows, ingest_uploads, run_batch
from tests.servers import coach_server

UPDATE = "Held 4 standups and a retro. Migrated the board from ZenHub to GitHub Projects."
XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


def test_handle_rewrite_fills_every_panel(coach: Coach) -> None:
    text, red, spans, questions, cites, align, score, meta, md, docx = handle_rewrite(coach, UPDATE)
    assert "ZenHub" in text and "GitHub Projects" in text
    assert "<ins>" in red
    assert 'class="pt pt-ceremony"' in spans and "standups" in spans
    assert "<li>" in questions
    assert "<details" in cites and "›" in cites and "a suggestion, not cited" in cites
    assert "coach-align" in align
    assert "Facts kept" in score and "Process talk" in score
    assert "engine <b>offline</b>" in meta and "prompt <b>" in meta
    assert "GitHub Projects" in Path(md).read_text()
    from docx import Document

    assert any("ZenHub" in p.text for p in Document(docx).paragraphs)


def test_handler_turns_bad_input_into_one_sentence(coach: Coach) -> None:
    import gradio as gr

    with pytest.raises(gr.Error) as exc:
        handle_rewrite(coach, "   ")
    assert exc.value.message == "The update is empty: paste the text of a status update."


def test_render_escapes_untrusted_text(coach: Coach) -> None:
    """The update and a model's output reach the page only as escaped text."""
    result = coach.rewrite(f"Held 4 standups. {XSS}")
    html = "".join(
        [
            render.redline(result.source, result.text + XSS),
            render.highlighted(result.analysis),
            render.questions([XSS]),
            render.meta(result),
        ]
    )
    assert "<img" not in html and "<script" not in html
    assert "&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;" in html


def test_redline_marks_removed_and_added_words() -> None:
    html = render.redline("closed 40 tickets", "40 tickets closed, so waits fell")
    assert "<del>closed</del>" in html.replace(" ", "") or "<del>closed" in html
    assert "<ins>" in html and "waits fell" in html


def test_serve_refuses_a_public_address_without_a_password() -> None:
    with pytest.raises(ConfigError, match="COACH_AUTH"):
        check_bind("0.0.0.0", None)
    assert check_bind("0.0.0.0", "ann:s3cret") == ("ann", "s3cret")
    assert check_bind("127.0.0.1", None) is None
    with pytest.raises(ConfigError):
        parse_auth("no-colon")


def test_uploads_are_checked_on_the_server(tmp_path: Path) -> None:
    bad = tmp_path / "evil.exe"
    bad.write_bytes(b"MZ")
    with pytest.raises(CoachError, match=r"evil\.exe"):
        check_upload(bad, (".txt",), "batch file")


def test_batch_keeps_order_columns_and_escapes_formulas(coach: Coach, tmp_path: Path) -> None:
    src = tmp_path / "week.csv"
    with src.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["team", "update"])
        w.writerow(["booking", "Closed 40 tickets in sprint 14."])
        w.writerow(["=HYPERLINK(1)", "Held 3 standups with Priya Shah."])
        w.writerow(["empty", "   "])
    seen: list[int] = []
    out, counts = run_batch(coach, src, progress=lambda d, t: seen.append(d))
    rows = list(csv.DictReader(io.StringIO(Path(out).read_text())))
    assert [r["team"] for r in rows] == ["booking", "'=HYPERLINK(1)", "empty"]
    assert "40" in rows[0]["coach_rewrite"] and rows[0]["coach_engine"] == "offline"
    assert rows[2]["coach_error"] and counts == {**counts, "rows": 3, "ok": 2, "failed": 1}
    assert seen[-1] == 3


def test_corpus_upload_indexes_and_lists(tmp_path: Path) -> None:
    doc = tmp_path / "aurora-strategy.md"
    doc.write_text("# Aurora strategy\n\n## Pillar: faster care\n\nCut waiting times by 20%.\n")
    coach = Coach(home=tmp_path / "home", engine="offline")
    calls: list[tuple] = []
    msg = ingest_uploads(coach, [str(doc)], "aurora", progress=lambda *a: calls.append(a))
    assert msg.startswith("Indexed") and calls
    assert any(r[0] == "aurora" and "aurora-strategy.md" in r[1] for r in corpus_rows(coach))


@pytest.mark.slow
def test_named_endpoints_answer_through_gradio_client(indexed_home: Path, tmp_path: Path) -> None:
    with coach_server(indexed_home, {"COACH_ENGINE": "offline"}) as url:
        client = Client(url, verbose=False)
        api = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
        assert {"/rewrite", "/analyze", "/batch"} <= set(api)

        r = client.predict(UPDATE, "team", "brief", api_name="/rewrite")
        assert "GitHub Projects" in r["text"] and r["engine"] == "offline" and r["facts"]["ok"]
        assert r["citations"] == [] and r["suggestion"] and r["prompt_version"]

        a = client.predict(UPDATE, api_name="/analyze")
        assert a["process_density"] > 0 and any(u["spans"] for u in a["units"])

        src = tmp_path / "updates.jsonl"
        src.write_text('{"update": "Closed 40 tickets."}\n{"update": "Held 2 retros with Epic."}\n')
        out, summary = client.predict(
            handle_file(str(src)), "executive", "standard", "strategy", "", api_name="/batch"
        )
        rows = [json.loads(x) for x in Path(out).read_text().splitlines()]
        assert [r["update"] for r in rows] == ["Closed 40 tickets.", "Held 2 retros with Epic."]
        assert "40" in rows[0]["coach"]["rewrite"] and "Epic" in rows[1]["coach"]["rewrite"]
        assert "**2** update(s)" in summary

        with pytest.raises(Exception, match=r"empty|nothing|text"):
            client.predict("   ", api_name="/rewrite")


def test_api_rewrite_result_is_json(coach: Coach) -> None:
    from coach.app import api_rewrite

    assert json.dumps(api_rewrite(coach, UPDATE))


def test_stream_rewrite_shows_the_draft_then_the_guarded_result(
    indexed_home: Path, fake_llm: object
) -> None:
    from coach.app.handlers import stream_rewrite

    coach = Coach(home=indexed_home, engine="llm", **fake_llm.settings())  # type: ignore[attr-defined]
    steps = list(stream_rewrite(coach, UPDATE))
    *drafts, final = steps
    assert drafts, "the model's tokens should reach the rewrite box before the final result"
    assert all(isinstance(d[0], str) for d in drafts) and len(final) == 10
    assert "GitHub Projects" in final[0] and "engine <b>llm</b>" in final[7]


def test_eval_tab_runs_the_suite_and_returns_its_report(coach: Coach) -> None:
    from coach.app.handlers import run_eval

    seen: list[tuple[int, int]] = []
    report, charts, html = run_eval(coach, 2, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (2, 2)
    assert ("facts_kept" in report and "| items |" in report) or "items" in report
    assert charts and all(Path(c).is_file() and c.endswith(".png") for c in charts)
    assert Path(html).is_file() and "<table" in Path(html).read_text()
