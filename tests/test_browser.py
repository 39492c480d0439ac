"""The page in a real browser: Debian's Chromium, driven by Playwright, against `coach serve`.

One server per module (offline engine by default, the loopback fake model as the "llm" choice).
Every request the browser makes must stay on 127.0.0.1: no fonts, no analytics, nothing remote.
Set COACH_SCREENSHOTS=docs to refresh the README's screenshots.
"""

from __future__ import annotations

import json
import os
import shutil
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
XSS = '<img src=x onerror="window.__xss=1;alert(1)"><script>window.__xss=2</script>'


def _xss_model(body: dict[str, Any]) -> str:
    """A model whose output carries script: in the rewrite (echoed) and in a question."""
    out = json.loads(echo_rewrite(body))
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
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.requests = []  # type: ignore[attr-defined]
    page.dialogs = []  # type: ignore[attr-defined]
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.goto(server + "/", wait_until="networkidle")
    page.wait_for_selector("#rewrite-btn")
    yield page
    remote = [u for u in page.requests if not u.startswith(("http://127.0.0.1", "data:", "blob:"))]
    assert not remote, f"the page fetched from outside loopback: {remote[:5]}"
    context.close()


def _rewrite(page: Any) -> str:
    page.click("#rewrite-btn")
    wait_value(page, "#rewrite-out")
    page.wait_for_selector("#meta .coach-meta")
    return str(page.locator("#rewrite-out textarea").input_value())


def test_example_rewrite_shows_spans_citations_and_scores(page: Any) -> None:
    page.locator(".gallery-item, [data-testid='examples'] button, table.examples td").first.click()
    assert "standups" in wait_value(page, "#update")
    text = _rewrite(page)
    assert "ZenHub" in text and "GitHub Projects" in text and "40" in text

    marks = page.locator("#spans mark.pt")
    assert marks.count() >= 3
    assert "ceremony" in page.locator("#spans mark.pt-ceremony").first.get_attribute("title")
    assert "Meetings are inputs" in page.inner_text("#spans")
    assert page.locator("#redline ins").count() > 0
    assert page.locator("#questions li").count() >= 1
    page.locator("#citations summary").first.click()
    assert page.locator("#citations details[open] blockquote").first.is_visible()
    assert "Facts kept" in page.inner_text("#scorecard")
    assert "offline" in page.inner_text("#meta")
    assert "unmapped" in page.inner_text("#alignment") or "Pillar" in page.inner_text("#alignment")

    with page.expect_download() as dl:
        page.click("#dl-md")
    assert "GitHub Projects" in Path(dl.value.path()).read_text()

    if out := os.environ.get("COACH_SCREENSHOTS"):
        Path(out).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{out}/page.png", full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=f"{out}/page-phone.png", full_page=True)


def test_empty_update_shows_one_clear_sentence(page: Any) -> None:
    page.fill("#update textarea", "   ")
    page.click("#rewrite-btn")
    page.wait_for_selector("text=The update is empty", timeout=20_000)


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
    assert "<script>" in text  # the payload shows as text in the rewrite box
    assert "onerror" in page.inner_text("#questions") or "onerror" in page.inner_text("#redline")
    assert "onerror" in page.inner_text("#spans")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    assert page.dialogs == []
    assert page.locator("#questions img, #redline img, #spans img, #questions script").count() == 0


def test_batch_upload_run_and_download(page: Any, tmp_path: Path) -> None:
    src = tmp_path / "week.csv"
    src.write_text("team,update\nbooking,Closed 40 tickets in sprint 14.\nwards,Held 3 retros.\n")
    page.get_by_role("tab", name="Batch").click()
    page.locator("#batch-file input[type=file]").set_input_files(str(src))
    page.click("#batch-btn")
    page.wait_for_selector("#batch-summary >> text=update(s)", timeout=60_000)
    assert "2 rewritten" in page.inner_text("#batch-summary")
    with page.expect_download() as dl:
        page.locator("#batch-out a").first.click()
    body = Path(dl.value.path()).read_text()
    assert body.splitlines()[0].startswith("team,update,coach_rewrite") and "40" in body


def test_strategy_upload_is_indexed_and_listed(page: Any, tmp_path: Path) -> None:
    doc = tmp_path / "aurora-strategy.md"
    doc.write_text("# Aurora strategy\n\n## Faster care\n\nCut outpatient waits by 20% by 2027.\n")
    page.get_by_role("tab", name="Strategy corpus").click()
    page.locator("#corpus-files input[type=file]").set_input_files(str(doc))
    page.fill("#corpus-coll textarea, #corpus-coll input", "browser-aurora")
    page.click("#corpus-btn")
    page.wait_for_selector("#corpus-status >> text=Indexed", timeout=60_000)
    page.wait_for_selector("#corpus-table >> text=aurora-strategy.md", timeout=20_000)
    assert "browser-aurora" in page.inner_text("#corpus-table")


def test_revised_upload_replaces_the_old_version_and_remove_works(
    page: Any, tmp_path: Path
) -> None:
    """The same file name uploaded twice is one document (the new text), and Remove drops it."""
    coll = "browser-revise"
    page.get_by_role("tab", name="Strategy corpus").click()
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
