"""The page in a real browser: Debian's Chromium, driven by Playwright, against `coach serve`.

One server per module (offline engine by default, the loopback fake model as the "llm" choice).
Every request the browser makes must stay on 127.0.0.1: no fonts, no analytics, nothing remote.
Set COACH_SCREENSHOTS=docs to refresh the README's screenshots.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import CHROMIUM, chromium, wait_value
from tests.fake_openai import FakeOpenAI, echo_rewrite
from tests.servers import coach_server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]

SERVED: dict[str, Path] = {}  # the served COACH_HOME, to read the manifest it writes
# No digits: a number in the payload is a fact the rewrite must keep, which is not this test.
XSS = '<img src=x onerror="window.__xss=true;alert(document.domain)"><script>window.__xss=true</script>'


def _xss_model(body: dict[str, Any]) -> str:
    """A model whose answer carries script: it names the update's payload as who benefits (the
    extraction's free-text field); the update itself carries it into the rewrite."""
    out = json.loads(echo_rewrite(body))
    if "outcomes" in out:
        units = [u for u in out["activity"]] + [o["unit"] for o in out["outcomes"]]
        out["outcomes"] = [{"unit": units[0], "for": XSS}] if units else []
        out["activity"] = units[1:]
    else:
        out["questions"] = [f"What changed? {XSS}"]
    return json.dumps(out)


@pytest.fixture(scope="module")
def server(indexed_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("browser") / "home"
    shutil.copytree(indexed_home, home)  # uploads here must not change the shared store
    SERVED["home"] = home
    with (
        FakeOpenAI(default=_xss_model) as fake,
        coach_server(home, {"COACH_ENGINE": "offline", **fake.env()}) as url,
    ):
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.requests = []  # type: ignore[attr-defined]
    page.dialogs = []  # type: ignore[attr-defined]
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.goto(server + "/", wait_until="load")
    page.wait_for_selector("#rewrite-btn")
    yield page
    remote = [u for u in page.requests if not u.startswith(("http://127.0.0.1", "data:", "blob:"))]
    assert not remote, f"the page fetched from outside loopback: {remote[:5]}"
    context.close()


_LAST_RUN = "(() => { const m = document.querySelector('#meta .coach-meta'); return m ? m.dataset.run : ''; })()"


def _rewrite(page: Any, button: str = "#rewrite-btn") -> str:
    """Click and wait for a NEW result (the meta line's run number changes), not the last one."""
    before = page.evaluate(_LAST_RUN)
    page.click(button)
    page.wait_for_function(f"{_LAST_RUN} !== {before!r}", timeout=60_000)
    return str(page.locator("#rewrite-out textarea").input_value())


def _example(page: Any, n: int = 0) -> None:
    page.locator(".gallery-item, [data-testid='examples'] button, table.examples td").nth(n).click()
    wait_value(page, "#update")


def _download(page: Any, selector: str) -> Path:
    with page.expect_download() as dl:
        page.click(selector)
    return Path(dl.value.path())


def _docx_text(path: Path) -> str:
    from docx import Document

    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def _questions(page: Any) -> list[str]:
    return [q.strip() for q in page.locator("#questions li").all_inner_texts()]


def test_example_rewrite_shows_spans_citations_and_scores(page: Any) -> None:
    _example(page)
    assert "standups" in wait_value(page, "#update")
    text = _rewrite(page)
    assert "ZenHub" in text and "GitHub Projects" in text and "40" in text

    marks = page.locator("#spans mark.pt")
    assert marks.count() >= 3
    assert "ceremony" in page.locator("#spans mark.pt-ceremony").first.get_attribute("title")
    assert "Meetings are inputs" in page.inner_text("#spans")
    assert page.locator("#changes tbody tr").count() >= 3
    assert page.locator("#questions li").count() >= 1
    page.locator("#citations summary").first.click()
    assert page.locator("#citations details[open] blockquote").first.is_visible()
    assert "Facts kept" in page.inner_text("#scorecard")
    assert "offline" in page.inner_text("#meta")
    assert "strategy goal" in page.inner_text("#alignment").lower()
    assert "GitHub Projects" in _download(page, "#dl-md").read_text()


def test_box_copy_and_downloads_carry_only_the_readers_text(page: Any) -> None:
    """Problem 1: the box and both downloads held "Questions for you:" and the questions; the
    box could not be edited. Now the notes sit beside the text and an edit is what goes out."""
    _example(page)
    text = _rewrite(page)
    asked = _questions(page)
    assert asked, "the example needs a question, or this test proves nothing"
    md, docx = _download(page, "#dl-md").read_text(), _docx_text(_download(page, "#dl-docx"))
    page.locator(
        "#rewrite-out button[aria-label*='opy'], #rewrite-out button[title*='opy']"
    ).first.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.strip() == text.strip()
    for shown in (text, md, docx, copied):
        assert "Questions for you" not in shown
        assert not any(q in shown for q in asked), shown

    box = page.locator("#rewrite-out textarea")
    assert box.is_editable()
    mine = "Patients now book online: phone queues fell by 18% since 3 March."
    box.fill(mine)
    box.press("End")  # an input event: the downloads follow the edit
    page.wait_for_timeout(1500)
    assert _download(page, "#dl-md").read_text().startswith(mine)
    assert _docx_text(_download(page, "#dl-docx")).startswith(mine)


def test_answering_a_question_feeds_a_rerun(page: Any) -> None:
    _example(page)
    _rewrite(page)
    answer = "Phone queues fell by 18% because 1,200 patients booked online."
    page.fill("#answer textarea", answer)
    page.click("#answer-btn")
    page.wait_for_function(
        "() => document.querySelector('#rewrite-out textarea').value.includes('18%')",
        timeout=30_000,
    )
    assert answer in page.locator("#update textarea").input_value()
    assert page.locator("#answer textarea").input_value() == ""
    assert "18%" in page.locator("#rewrite-out textarea").input_value()


def test_side_by_side_shows_each_unit_and_lights_up_on_hover(page: Any) -> None:
    """Problem 2: a word redline of a reordered rewrite was unreadable ("HeldWhat 4changed...")."""
    _example(page, 1)
    _rewrite(page)
    rows = page.locator("#changes tbody tr")
    assert rows.count() == 3  # the example's three bullets, one row each
    kinds = {k.strip() for k in page.locator("#changes .badge").all_inner_texts()}
    assert kinds <= {"kept", "moved", "condensed", "folded", "set aside", "reworded"}, kinds
    first = rows.first
    assert "Attended the weekly sync" in first.locator("td.src").inner_text()
    assert page.locator("#changes del, #changes ins").count() == 0
    before = first.evaluate("el => getComputedStyle(el).backgroundColor")
    first.hover()
    page.wait_for_timeout(100)
    after = first.evaluate("el => getComputedStyle(el).backgroundColor")
    assert before != after, "hovering a row should light it up"
    assert "What changed" not in page.inner_text("#changes thead")
    if out := os.environ.get("COACH_SCREENSHOTS"):  # the README's screenshot
        Path(out).mkdir(parents=True, exist_ok=True)
        page.mouse.move(0, 0)
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_timeout(300)
        page.screenshot(path=f"{out}/page.png")


def test_audience_and_length_change_the_text_or_say_they_need_a_model(page: Any) -> None:
    """Problem 3: six combinations gave one byte-identical offline text and nothing said so."""
    _example(page)
    base = _rewrite(page)
    note = page.inner_text("#style-note")
    texts = {}
    for group, value in (("audience", "team"), ("audience", "client"), ("length", "brief")):
        page.locator(f"#{group} label", has_text=value).click()
        texts[group, value] = _rewrite(page)
        default = "executive" if group == "audience" else "standard"
        page.locator(f"#{group} label", has_text=default).click()
    for group in ("audience", "length"):
        changed = any(t != base for (g, _), t in texts.items() if g == group)
        assert (group in note and "need a model" in note) == (not changed), (group, note)


def test_explanations_and_questions_are_not_repeated(page: Any) -> None:
    """Problem 4: one "Ask" three times in a list; "Ask:" lines that were not questions."""
    _example(page)
    _rewrite(page)
    asks = [
        a.removeprefix("Ask: ")
        for a in page.locator("#spans .ask").all_inner_texts()
        if a.startswith("Ask: ")
    ]
    assert asks and len(asks) == len(set(asks)), asks
    assert all(a.endswith("?") for a in asks), asks
    qs = _questions(page)
    assert len(qs) == len(set(qs)), qs


def test_fact_notes_show_facts_as_words(page: Any) -> None:
    """Problem 5: a numbered list under a heading showed as "missing week 1, 2" (raw tokens)."""
    page.fill(
        "#update textarea",
        "### This week\n- Closed 40 tickets in sprint 14.\n\n### Next week\n"
        "1. Launch the SMS reminders.\n2. Train 3 ward teams.",
    )
    _rewrite(page)
    note = page.inner_text("#scorecard .note")
    assert "[" not in note and "'" not in note, note


def test_phone_shows_the_result_and_every_tab(browser: Any, server: str) -> None:
    """Problem 6: at 390x844 the result rendered off screen and two tabs hid behind "..."."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, accept_downloads=True)
    page = context.new_page()
    page.goto(server + "/", wait_until="load")
    page.wait_for_selector("#rewrite-btn")
    for name in ("Rewrite", "Batch", "Strategy", "Eval"):
        assert page.get_by_role("tab", name=name).is_visible(), f"tab {name} is hidden"
    _example(page, 1)
    _rewrite(page)
    page.wait_for_timeout(500)
    top = page.evaluate("document.getElementById('rewrite-out').getBoundingClientRect().top")
    assert 0 <= top < 844 / 2, f"the rewrite starts at {top}px: off screen after Rewrite"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width}px)"
    if out := os.environ.get("COACH_SCREENSHOTS"):
        page.screenshot(path=f"{out}/page-phone.png")
    context.close()


def test_eval_tab_title_and_charts_full_size(page: Any) -> None:
    """Problem 7: "Eval run: offline on" with no dataset; four broken images; cropped charts."""
    page.get_by_role("tab", name="Eval").click()
    page.locator("#eval-n input[type=number]").fill("1")
    page.click("#eval-btn")
    page.wait_for_selector("#eval-charts img", timeout=120_000)
    assert "Eval run: offline on cases.jsonl" in page.inner_text("#eval-report")
    imgs = page.locator("#eval-charts img")
    assert imgs.count() >= 4
    for i in range(imgs.count()):
        natural, shown = imgs.nth(i).evaluate(
            "el => [el.naturalWidth, el.getBoundingClientRect().width,]"
        )
        assert natural > 0, "a broken image"
        assert shown >= 300, f"chart {i} is squeezed to {shown}px"
    assert page.locator("#eval-report img").count() == 0  # no broken relative links left
    html = _download(page, "#eval-html a").read_text()
    assert "Eval run: offline on cases.jsonl" in html


def test_empty_update_is_one_sentence_and_clears_the_old_result(page: Any) -> None:
    """Problem 8: a red "Error" pill over every panel, the previous results left underneath."""
    _example(page)
    _rewrite(page)
    page.fill("#update textarea", "   ")
    page.click("#rewrite-btn")
    page.wait_for_selector("#status >> text=The update is empty", timeout=20_000)
    assert page.inner_text("#status").strip() == (
        "The update is empty: paste the text of a status update."
    )
    assert page.locator("#rewrite-out textarea").input_value() == ""
    assert page.locator("#changes tbody tr").count() == 0
    assert page.locator("#questions li").count() == 0
    assert page.get_by_text("Error", exact=True).count() == 0


def test_xss_in_input_and_model_output_stays_text(page: Any) -> None:
    page.fill("#update textarea", f"Closed 40 tickets. {XSS}")
    page.locator("#engine input").click()
    page.get_by_role("option", name="llm").click()
    page.focus("#update textarea")
    page.keyboard.press("Control+Enter")  # the keyboard path rewrites too
    wait_value(page, "#rewrite-out")  # the draft streams in first...
    page.wait_for_selector("#meta .coach-meta")  # ...then the guarded result fills the page
    text = page.locator("#rewrite-out textarea").input_value()
    assert "fake-model" in page.inner_text("#meta") or "llm" in page.inner_text("#meta")
    assert "40" in text  # the payload is text in the box (or dropped as markup), never run
    assert "onerror" in page.inner_text("#questions") or "onerror" in page.inner_text("#changes")
    assert "onerror" in page.inner_text("#spans")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    assert page.dialogs == []
    assert page.locator("#questions img, #changes img, #spans img, #questions script").count() == 0


def test_batch_upload_run_and_download(page: Any, tmp_path: Path) -> None:
    src = tmp_path / "week.csv"
    src.write_text("team,update\nbooking,Closed 40 tickets in sprint 14.\nwards,Held 3 retros.\n")
    page.get_by_role("tab", name="Batch").click()
    page.locator("#batch-file input[type=file]").set_input_files(str(src))
    assert page.locator("#batch-coll input").input_value() == "strategy"  # its own choice
    page.click("#batch-btn")
    page.wait_for_selector("#batch-summary >> text=update(s)", timeout=60_000)
    summary = page.inner_text("#batch-summary")
    assert "2 rewritten" in summary and "'strategy'" in summary
    with page.expect_download() as dl:
        page.locator("#batch-out a").first.click()
    body = Path(dl.value.path()).read_text()
    assert body.splitlines()[0].startswith("team,update,coach_rewrite") and "40" in body
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(body)))
    assert all(r["coach_content_preservation"] for r in rows), (
        "the CLI fills this; so must the page"
    )


def test_strategy_upload_is_indexed_and_listed(page: Any, tmp_path: Path) -> None:
    doc = tmp_path / "aurora-strategy.md"
    doc.write_text("# Aurora strategy\n\n## Faster care\n\nCut outpatient waits by 20% by 2027.\n")
    page.get_by_role("tab", name="Strategy").click()
    page.locator("#corpus-files input[type=file]").set_input_files(str(doc))
    page.fill("#corpus-coll textarea, #corpus-coll input", "browser-aurora")
    page.click("#corpus-btn")
    page.wait_for_selector("#corpus-status >> text=Indexed", timeout=60_000)
    page.wait_for_selector("#corpus-table >> text=aurora-strategy.md", timeout=20_000)
    assert "browser-aurora" in page.inner_text("#corpus-table")
    status = page.inner_text("#corpus-status")
    assert status.startswith("Indexed 1 document(s) into 'browser-aurora'") and "_" not in status


def test_revised_upload_replaces_the_old_version_and_remove_works(
    page: Any, tmp_path: Path
) -> None:
    """The same file name uploaded twice is one document (the new text), and Remove drops it."""
    coll = "browser-revise"
    page.get_by_role("tab", name="Strategy").click()
    page.fill("#corpus-coll textarea, #corpus-coll input", coll)
    for n, target in enumerate(("60%", "75%")):
        folder = tmp_path / f"v{n}"
        folder.mkdir()
        doc = folder / "north-plan.md"
        doc.write_text(
            f"# North plan\n\n## Faster care\n\nTreat {target} of patients in 18 weeks.\n"
        )
        page.locator("#corpus-files input[type=file]").set_input_files(str(doc))
        page.click("#corpus-btn")
        page.wait_for_selector("#corpus-status >> text=Indexed", timeout=60_000)
        page.wait_for_selector("#corpus-table >> text=north-plan.md", timeout=20_000)
        page.wait_for_function(
            "() => !document.querySelector('#corpus-status .pending')", timeout=20_000
        )
    manifest = json.loads((SERVED["home"] / "manifest.json").read_text())
    entries = list(manifest["collections"][coll].values())
    assert [e["source"] for e in entries] == ["north-plan.md"]  # once: the old version is gone
    assert "documents" in entries[0]["path"] and "gradio" not in entries[0]["path"]
    assert "75%" in Path(entries[0]["path"]).read_text()
    assert page.inner_text("#corpus-table").count("north-plan.md") == 1

    page.locator("#corpus-doc input").click()
    page.get_by_role("option", name="north-plan.md").click()
    page.click("#corpus-remove")
    page.wait_for_selector("#corpus-status >> text=Removed north-plan.md", timeout=30_000)
    manifest = json.loads((SERVED["home"] / "manifest.json").read_text())
    assert not manifest["collections"].get(coll)
    assert "north-plan.md" not in page.inner_text("#corpus-table")


def _no_error_pill(page: Any) -> None:
    """Problem (2 December): a failed upload put a red "Error" over every output, the old
    results still underneath, and the pill over the document picker swallowed its clicks."""
    assert page.get_by_text("Error", exact=True).count() == 0
    assert page.locator(".toast-body").count() == 0


def test_strategy_bad_upload_is_a_sentence_and_the_picker_still_works(
    page: Any, tmp_path: Path
) -> None:
    page.get_by_role("tab", name="Strategy").click()
    page.fill("#corpus-coll textarea, #corpus-coll input", "browser-pass")
    empty = tmp_path / "draft.md"
    empty.write_text("")
    page.locator("#corpus-files input[type=file]").set_input_files(str(empty))
    page.click("#corpus-btn")
    page.wait_for_selector("#corpus-status >> text=draft.md is empty", timeout=30_000)
    _no_error_pill(page)
    assert page.locator("#corpus-table").is_visible()
    page.locator("#corpus-doc input").click(timeout=5_000)  # not covered by a pill
    page.keyboard.press("Escape")
    # the empty file beside a good one: the good one is indexed, the empty one named
    good = tmp_path / "pass-plan.md"
    good.write_text("# Pass plan\n\n## Faster care\n\nCut outpatient waits by 20% by 2027.\n")
    page.locator("#corpus-files input[type=file]").set_input_files([str(empty), str(good)])
    page.click("#corpus-btn")
    page.wait_for_selector("#corpus-status >> text=Indexed 1 document(s)", timeout=60_000)
    assert "draft.md is empty" in page.inner_text("#corpus-status")
    page.wait_for_selector("#corpus-table >> text=pass-plan.md", timeout=20_000)
    # the upload box empties: the next upload into another set is not these files again
    page.wait_for_function(
        "() => !document.querySelector('#corpus-files').innerText.includes('pass-plan.md')",
        timeout=10_000,
    )


def test_batch_shows_a_chart_the_failed_rows_and_a_sentence_for_a_bad_file(
    page: Any, tmp_path: Path
) -> None:
    src = tmp_path / "month.csv"
    src.write_text(
        "team,update\nbooking,Closed 40 tickets in sprint 14.\nempty,   \n"
        "wards,Rotas now go out 8 weeks ahead on 14 wards.\n"
    )
    page.get_by_role("tab", name="Batch").click()
    page.locator("#batch-file input[type=file]").set_input_files(str(src))
    page.click("#batch-btn")
    page.wait_for_selector("#batch-summary img", timeout=60_000)
    img = page.locator("#batch-summary img").first
    assert img.evaluate("el => el.naturalWidth") > 0 and img.is_visible()
    assert page.locator("#batch-summary .coach-bar .seg").count() == 2  # rewritten, failed
    failed = page.inner_text("#batch-summary .coach-failures")
    assert "1 update(s) could not be rewritten" in failed and "The update is empty" in failed
    links = page.locator("#batch-out a")
    assert links.count() >= 2 and "month.rewritten\n.csv" in page.inner_text("#batch-out")
    # a file with no update column: one sentence in page words, the old answer gone
    odd = tmp_path / "odd.csv"
    odd.write_text("a,b\n1,2\n")
    page.locator("#batch-file button[aria-label='Clear']").first.click()
    page.locator("#batch-file input[type=file]").set_input_files(str(odd))
    page.click("#batch-btn")
    page.wait_for_selector("#batch-status >> text=no column named like an update", timeout=30_000)
    status = page.inner_text("#batch-status")
    assert "Column box" in status and "--column" not in status
    assert page.locator("#batch-summary img").count() == 0
    assert page.locator("#batch-out a").count() == 0
    _no_error_pill(page)


class _Gate:
    """A fake model that answers the first update at once and holds every other one until the
    test opens the gate: the run cannot finish, nor reach its next row, before Stop is seen."""

    def __init__(self) -> None:
        self.open = threading.Event()

    def __call__(self, body: dict[str, Any]) -> str:
        sent = json.dumps(body)  # the page's own warm-up call at start is never held
        if "standups with the ward" in sent and "ward 0 team" not in sent:
            self.open.wait(timeout=120)
        return echo_rewrite(body)


def test_batch_stop_ends_a_long_run(browser: Any, indexed_home: Path, tmp_path: Path) -> None:
    """Problem: a 5 MB file (2,940 updates, about half an hour) had no way to stop it.

    The first version raced the run: 400 fast offline rows could finish before the click was
    seen (and a late "Stopping..." could overwrite "Stopped after"), so it failed once in a
    whole-file run. Here the model holds the second row until Stop is shown, so the order is
    fixed: row 1 done, Stop pressed and acknowledged, gate opened, row 2 done, run ends. Until
    2 December a stopped run wrote no file (now the 2 done rows are downloadable), and Stop on
    a run waiting in the queue (the page runs two jobs at a time) said "Nothing is running"
    and the run then started: a third tab's run, queued behind two held ones, never starts."""
    home = tmp_path / "home"
    shutil.copytree(indexed_home, home)
    gate = _Gate()
    src = tmp_path / "long.csv"
    rows = [f"t{i},Held {i} standups with the ward {i} team and closed {i + 3} tickets." for i in range(50)]  # fmt: skip
    src.write_text("\n".join(["team,update", *rows]) + "\n")
    with (
        FakeOpenAI(default=gate) as fake,
        coach_server(home, {"COACH_ENGINE": "llm", **fake.env()}, timeout=120) as url,
    ):
        contexts = [
            browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
            for _ in range(3)
        ]
        page, other, queued = pages = [c.new_page() for c in contexts]
        try:
            for p in pages:
                p.goto(url + "/", wait_until="load")
                p.get_by_role("tab", name="Batch").click()
            page.click("#batch-stop")  # nothing queued, nothing running: it says so
            page.wait_for_selector("#batch-stop-note >> text=Nothing is running", timeout=30_000)
            for p in pages:
                p.locator("#batch-file input[type=file]").set_input_files(str(src))
            for p in (page, other):  # two runs, each held at its second row
                p.click("#batch-btn")
                p.wait_for_function(
                    "() => document.body.innerText.includes('1 of 50 updates rewritten')",
                    timeout=90_000,
                )
            queued.click("#batch-btn")  # waits for one of the two
            queued.click("#batch-stop")
            queued.wait_for_selector(
                "#batch-stop-note >> text=waiting for its turn and will not start", timeout=30_000
            )
            for p in (page, other):
                p.click("#batch-stop")
                p.wait_for_selector("#batch-stop-note >> text=Stop pressed", timeout=30_000)
            gate.open.set()  # the held rows finish; each run sees Stop before its next row
            page.wait_for_selector("#batch-status >> text=Stopped after", timeout=60_000)
            status = page.inner_text("#batch-status")
            done = int(status.split("Stopped after ")[1].split(" ")[0])
            assert done == 2 and "of 50 updates" in status, status  # the row in flight, no more
            assert "the other 48 are in it as they were" in status, status
            with page.expect_download() as dl:  # the rows done are kept: the file is there
                page.locator("#batch-out a").first.click()
            import csv
            import io

            rows = list(csv.DictReader(io.StringIO(Path(dl.value.path()).read_text())))
            assert len(rows) == 50 and sum(bool(r["coach_rewrite"]) for r in rows) == 2
            assert rows[0]["coach_rewrite"] and not rows[2]["coach_rewrite"]
            queued.wait_for_selector(
                "#batch-status >> text=Stopped before it started", timeout=60_000
            )
            assert queued.locator("#batch-out a").count() == 0  # nothing was rewritten
            assert "Stop pressed" in queued.inner_text("#batch-stop-note")  # not blanked
        finally:
            gate.open.set()
            for c in contexts:
                c.close()
