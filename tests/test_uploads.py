"""The upload type guard reads file names as the multipart parser does, however they are spelled.

Driven through the real ASGI guard with a recording inner app (a fake, not a mock); the served
page is covered by test_page_security.py.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from coach.app.uploads import UploadTypeGuard, filenames

ALLOWED = (".md", ".txt", ".csv")


def _post(disposition: str) -> tuple[int, bool]:
    """(status, whether the inner app was reached) for one multipart upload."""
    body = (
        '--b\r\nContent-Disposition: form-data; name="files"; '
        f"{disposition}\r\nContent-Type: application/octet-stream\r\n\r\n<svg/>\r\n--b--\r\n"
    ).encode()
    reached: list[bool] = []
    sent: list[dict[str, Any]] = []

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        reached.append(True)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"[]"})

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    guard = UploadTypeGuard(inner, ALLOWED, 1_000_000)
    scope = {"type": "http", "method": "POST", "path": "/gradio_api/upload"}
    asyncio.run(guard(scope, receive, send))
    return sent[0]["status"], bool(reached)


@pytest.mark.parametrize(
    "disposition",
    [
        'filename="x.svg"',
        'filename = "x.svg"',  # issue 18: spaces around "="
        'filename\t=\t"x.svg"',
        "FILENAME=x.svg",
        "filename=x.svg ",
        "filename*=UTF-8''x%2Esvg",
        "filename*= UTF-8''evil.html",
        "filename=\"notes.md\"; filename*=UTF-8''x.svg",
    ],
)
def test_disallowed_names_are_refused(disposition: str) -> None:
    assert _post(disposition) == (415, False)


@pytest.mark.parametrize("disposition", ['filename="plan.md"', "filename = notes.txt"])
def test_allowed_names_pass(disposition: str) -> None:
    assert _post(disposition) == (200, True)


def test_filenames_are_read_like_the_parser() -> None:
    body = b'Content-Disposition: form-data; name="f"; filename = "a b.md"\r\n'
    assert filenames(body) == ["a b.md"]
