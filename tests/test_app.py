"""The page's handlers as plain functions, the safety of serve(), and every named endpoint
answered for real by `coach serve` through gradio_client."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from gradio_client import Client, handle_file

from coach import Coach, CoachError, ConfigError
from coach.app import check_bind, handle_rewrite, parse_auth, render, sidebyside
from coach.app.handlers import check_upload, corpus_rows, ingest_uploads, run_batch
from tests.servers import coach_server

UPDATE = "Held 4 standups and a retro. Migrated the board from ZenHub to GitHub Projects."
XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


def panels(values: tuple) -> dict:
    from coach.app.handlers import PANELS

    return dict(zip(PANELS, values, strict=True))


def test_handle_rewrite_fills_every_panel(coach: Coach) -> None:
    p = panels(handle_rewrite(coach, UPDATE))
    assert "ZenHub" in p["text"] and "GitHub Projects" in p["text"]
    assert "coach-changes" in p["changes"] and "badge" in p["changes"]
    if p["state"].changes and getattr(p["state"].changes[0], "how", ""):  # the engine says it
        assert f">{p['state'].changes[0].how}<" in p["changes"]
    assert 'class="pt pt-ceremony"' in p["spans"] and "standups" in p["spans"]
    assert "<li>" in p["notes"]
    assert "<details" in p["cites"] and "›" in p["cites"]  # a citation, or the closest passage
    assert "coach-align" in p["align"]
    assert "Facts kept" in p["score"] and "Process talk" in p["score"]
    assert "engine <b>offline</b>" in p["meta"] and "prompt <b>" in p["meta"]
    assert p["status"] == "" and p["state"].text
    assert "GitHub Projects" in Path(p["md"]).read_text()
    from docx import Document

    assert any("ZenHub" in x.text for x in Document(p["docx"]).paragraphs)


def test_reader_text_and_downloads_carry_no_coaching_notes(coach: Coach) -> None:
    """Problem 1: "Questions for you:" and its questions were in the box and both downloads."""
    from docx import Document

    p = panels(handle_rewrite(coach, UPDATE))
    result = p["state"]
    assert result.questions, "this update needs a question, or the test proves nothing"
    md = Path(p["md"]).read_text()
    docx = "\n".join(x.text for x in Document(p["docx"]).paragraphs)
    for shown in (p["text"], md, docx):
        assert "Questions for you" not in shown
        assert not any(q in shown for q in result.questions)
        assert "Rewritten by coach" not in shown and "facts kept" not in shown.lower()
    assert all(q in p["notes"] for q in result.questions)  # beside the text instead


def test_exports_take_the_edited_text_and_only_the_sources_it_cites(coach: Coach) -> None:
    from docx import Document

    from coach.app.handlers import exports
    from coach.types import Citation

    cited = tuple(
        Citation(id=f"c{i}", source=f"plan{i}.md", text="Cut waits.", score=0.5, title=f"Plan {i}")
        for i in (1, 2)
    )
    result = type(coach.rewrite(UPDATE))(**{**coach.rewrite(UPDATE).__dict__, "citations": cited})
    edited = "Boards now live in GitHub Projects for 4 teams [1]."
    md, docx = exports(edited, result)
    body = Path(md).read_text()
    assert body.startswith(edited) and "[1] " in body and "[2] " not in body
    assert Document(docx).paragraphs[0].text == edited
    md, _ = exports("No citation here.", result)
    assert Path(md).read_text() == "No citation here.\n"


def test_bad_input_is_one_sentence_and_clears_every_panel(coach: Coach) -> None:
    """Problem 8: empty input raised over every panel and left the old results underneath."""
    p = panels(handle_rewrite(coach, "   "))
    assert "The update is empty: paste the text of a status update." in p["status"]
    assert p["status"].count(".") == 1 and 'role="alert"' in p["status"]
    rest = {k: v for k, v in p.items() if k != "status"}
    assert all(v in ("", None) for v in rest.values()), rest


def test_unknown_collection_is_one_sentence(coach: Coach) -> None:
    p = panels(handle_rewrite(coach, UPDATE, collection="nope-not-indexed"))
    assert "no strategy collection &#x27;nope-not-indexed&#x27;" in p["status"] and p["text"] == ""


def test_render_escapes_untrusted_text(coach: Coach) -> None:
    """The update and a model's output reach the page only as escaped text."""
    from coach.types import UnitChange

    result = coach.rewrite(f"Held 4 standups. {XSS}")
    with_changes = type(result)(
        **{**result.__dict__, "changes": (UnitChange(source=XSS, became=XSS),)}
    )
    html = "".join(
        [
            sidebyside.changes(with_changes),
            sidebyside.changes(result),
            render.highlighted(result.analysis),
            render.questions([XSS]),
            render.notes(result),
            render.meta(result),
        ]
    )
    assert "<img" not in html and "<script" not in html
    assert "&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;" in html


def test_side_by_side_names_what_each_unit_became() -> None:
    """Problem 2: a word diff of a reordered rewrite interleaved everything."""
    from coach.types import UnitChange

    src = ["Held 4 standups.", "Closed 40 tickets in sprint 14.", "Queues fell by 18%.", "Hi all"]
    text = "Queues fell by 18%.\n\nEvidence: 4 standups; 40 tickets in sprint 14."
    items = [
        UnitChange(src[0], "Evidence: 4 standups; 40 tickets in sprint 14."),
        UnitChange(src[1], "Evidence: 4 standups; 40 tickets in sprint 14."),
        UnitChange(src[2], "Queues fell by 18%."),
        UnitChange(src[3], ""),
    ]
    assert sidebyside.change_kinds(items, text) == ["folded", "folded", "moved", "set aside"]
    assert sidebyside.change_kinds(
        [UnitChange("Queues fell by 18%.", "Queues fell by 18%.")], "Queues fell by 18%."
    ) == ["kept"]
    assert sidebyside.change_kinds(
        [UnitChange("Held 4 standups with the ward teams.", "4 standups")], "4 standups"
    ) == ["condensed"]
    assert sidebyside.change_kinds([UnitChange("Hi all", "set aside: a greeting")], "x") == [
        "set aside"
    ]


def test_side_by_side_without_reported_changes_matches_sentences(coach: Coach) -> None:
    result = coach.rewrite(
        "Held 4 standups and a retro. Booking form live since 3 March: 1,200 patients "
        "booked online, so phone queues fell by 18%."
    )
    html = sidebyside.changes(type(result)(**{**result.__dict__, "changes": ()}))
    assert html.count("<tr tabindex") == len(result.analysis.units)
    assert "18%" in html.split("became")[-1]


def test_span_list_says_each_explanation_once_and_asks_only_questions(coach: Coach) -> None:
    """Problem 4: the same "Ask" three times; "Ask: the issues fixed for users"."""
    import re

    html = render.highlighted(coach.analyze(UPDATE + " Updated the RAID log. Closed 40 tickets."))
    asks = re.findall(r'<span class="ask">Ask: ([^<]*)</span>', html)
    assert asks and len(asks) == len(set(asks))
    assert all(a.endswith("?") for a in asks)


def test_fact_notes_read_as_words_not_python() -> None:
    """Problem 5: the CLI printed `missing ['week\\n1', '2']`; the scorecard shows words too."""
    from coach.facts import describe
    from coach.types import FactCheck

    f = FactCheck(missing=("week\n1", "2"), added=(), kept=41, total=43)
    assert "[" not in describe(f) and "week 1" in describe(f)
    assert "\u201cweek 1\u201d, \u201c2\u201d" in render._quoted(f.missing)


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
        assert "**2** update(s)" in summary and "'strategy'" in summary

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
    assert all(isinstance(d[0], str) for d in drafts)
    final = panels(final)
    assert "GitHub Projects" in final["text"] and "engine <b>llm</b>" in final["meta"]
    assert "coach-changes" in final["changes"] and "engine does not report" not in final["changes"]


def test_eval_tab_runs_the_suite_and_returns_its_report(coach: Coach) -> None:
    from coach.app.evaltab import run_eval

    seen: list[tuple[int, int]] = []
    report, charts, html = run_eval(coach, 2, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (2, 2)
    assert ("facts_kept" in report and "| items |" in report) or "items" in report
    assert charts and all(Path(c).is_file() and c.endswith(".png") for c in charts)
    page = Path(html).read_text()
    assert Path(html).is_file() and "<table" in page
    # Problem 7: "Eval run: offline on" with the dataset missing, and broken image links.
    assert report.startswith("# Eval run: offline on cases.jsonl")
    assert "Eval run: offline on cases.jsonl" in page and "![" not in report
    # The tab title says which run this is (engine, dataset, suite, run folder), not "coach eval".
    title = re.search(r"<title>(.*?)</title>", page)
    assert title and title.group(1).startswith("coach Eval run: offline on cases.jsonl, ")
    assert title.group(1).endswith(Path(html).parent.name)
    assert render.charts(charts).count("<img") == len(charts)


def test_batch_on_the_page_fills_the_same_scores_as_the_cli(coach: Coach, tmp_path: Path) -> None:
    """Problem 9: a page batch left coach_content_preservation empty."""
    src = tmp_path / "week.csv"
    src.write_text("team,update\nbooking,Closed 40 tickets in sprint 14.\n")
    out, counts = run_batch(coach, src)
    row = next(csv.DictReader(io.StringIO(Path(out).read_text())))
    assert row["coach_content_preservation"] not in ("", None)
    assert counts["collection"] == "strategy"


def test_corpus_status_is_a_sentence_without_field_names(tmp_path: Path) -> None:
    """Problem 9: "skipped_files 0, pruned_files 0"."""
    doc = tmp_path / "aurora.md"
    doc.write_text("# Aurora\n\n## Faster care\n\nCut waiting times by 20%.\n")
    msg = ingest_uploads(Coach(home=tmp_path / "home"), [str(doc)], "aurora")
    assert msg.startswith("Indexed 1 document(s) into 'aurora':") and "_" not in msg


def test_answer_is_added_to_the_update() -> None:
    from coach.app.handlers import add_answer

    assert add_answer("Held 4 standups", "Queues fell by 18%") == (
        "Held 4 standups\nQueues fell by 18%.",
        "",
    )
    assert add_answer("- Held 4 standups", "Queues fell") == (
        "- Held 4 standups\n- Queues fell",
        "",
    )
    assert add_answer("Held 4 standups", "  ") == ("Held 4 standups", "")
