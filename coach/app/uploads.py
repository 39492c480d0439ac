"""An ASGI guard in front of Gradio's upload route: only the file types coach reads get in.

Gradio's /gradio_api/upload stores any file; coach's handlers check types again, but refusing
at the door means an .exe or .svg never lands in the upload cache at all.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from urllib.parse import unquote

Scope = dict[str, Any]
Message = dict[str, Any]
ASGIApp = Callable[
    [Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]
]

# A part's Content-Disposition header, and every filename parameter in it, however spaced:
# filename="a", filename = "a", FILENAME=a, filename*=UTF-8''a%2Esvg (RFC 7578 / 5987).
_DISPOSITION = re.compile(rb"^content-disposition[ \t]*:([^\r\n]*)", re.I | re.M)
_FILENAME = re.compile(
    rb"filename[ \t]*(\*?)[ \t]*=[ \t]*(?:\"((?:[^\"\\\r\n]|\\.)*)\"|([^;\r\n]*))", re.I
)


def filenames(body: bytes) -> list[str]:
    """Every file name a multipart body declares, decoded as the server's parser would."""
    names = []
    for header in _DISPOSITION.findall(body):
        for star, quoted, bare in _FILENAME.findall(header):
            raw = (quoted or bare).strip().decode("utf-8", "replace")
            if star:  # charset'language'percent-encoded
                raw = unquote(raw.split("'", 2)[-1])
            names.append(raw.replace('\\"', '"'))
    return names


def allowed_name(name: str, allowed: tuple[str, ...]) -> bool:
    clean = name.strip().lower()
    return "\x00" not in clean and clean.endswith(allowed)


class UploadTypeGuard:
    """Answer 415 to an upload whose file name does not end in an allowed suffix."""

    def __init__(self, app: ASGIApp, allowed: Iterable[str], max_bytes: int) -> None:
        self.app = app
        self.allowed = tuple(s.lower() for s in allowed)
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if (
            scope.get("type") != "http"
            or scope.get("method") != "POST"
            or not str(scope.get("path", "")).rstrip("/").endswith("/upload")
        ):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            body = message.get("body", b"")
            size += len(body)
            if size > self.max_bytes:
                await _reply(send, 413, "The upload is larger than the limit.")
                return
            chunks.append(body)
            more = message.get("more_body", False)
        data = b"".join(chunks)
        bad = [n for n in filenames(data) if not allowed_name(n, self.allowed)]
        if bad:
            await _reply(
                send, 415, f"coach does not take {bad[0]!r}: use one of {', '.join(self.allowed)}."
            )
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": data, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _reply(send: Any, status: int, text: str) -> None:
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
