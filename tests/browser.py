"""Debian's Chromium driven by Python Playwright: no browser download, no network but loopback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium() -> Iterator[Any]:
    """Chromium with a fresh profile (Playwright gives launch() a new temp user-data-dir)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def wait_value(page: Any, selector: str, timeout_ms: float = 30_000) -> str:
    """Wait until a textarea/input under `selector` has a non-empty value; return it."""
    loc = page.locator(f"{selector} textarea, {selector} input").first
    page.wait_for_function(
        "(el) => el && el.value && el.value.length > 0",
        arg=loc.element_handle(),
        timeout=timeout_ms,
    )
    return str(loc.input_value())
