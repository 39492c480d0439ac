"""Probes against a real `coach serve`: path traversal through Gradio's file routes, upload
types the server must refuse, auth when COACH_AUTH is set, refusal to bind off loopback without
it, and the side-by-side view on 4,000 one-word bullets (the old redline took minutes)."""

from __future__ import annotations

import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import coach_server

TRAVERSALS = [
    "/file=/etc/passwd",
    "/gradio_api/file=/etc/passwd",
    "/gradio_api/file=../../../../etc/passwd",
    "/gradio_api/file=..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "/gradio_api/file=%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/gradio_api/file=/proc/self/environ",
    "/file=..%252F..%252Fetc%252Fpasswd",
    "/static/../../../../etc/passwd",
    "/assets/..%2F..%2F..%2Fetc%2Fpasswd",
    "/gradio_api/file=" + str(Path(__file__).resolve()),
]


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with coach_server(tmp_path_factory.mktemp("page-home")) as url:
        yield url


@pytest.mark.slow
@pytest.mark.parametrize("path", TRAVERSALS)
def test_no_file_escapes_through_the_file_routes(served: str, path: str) -> None:
    code, body = get(served + path)
    assert b"root:x:0:0" not in body and b"PATH=" not in body and b"TRAVERSALS" not in body
    assert code in (400, 403, 404, 405), f"{path}: {code}"


@pytest.mark.slow
@pytest.mark.parametrize("name", ["evil.html", "payload.exe", "x.svg"])
def test_disallowed_upload_types_refused(served: str, name: str) -> None:
    import json

    boundary = "coachboundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
        f"Content-Type: application/octet-stream\r\n\r\n<script>alert(1)</script>\r\n"
        f"--{boundary}--\r\n"
    ).encode()
    req = urllib.request.Request(
        served + "/gradio_api/upload",
        data=body,
        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
    )
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            code, data = r.status, r.read()
    except urllib.error.HTTPError as exc:
        code, data = exc.code, exc.read()
    if code == 200:  # accepted into the upload cache: it must never come back as a page
        for path in json.loads(data):
            req2 = urllib.request.Request(served + "/gradio_api/file=" + path)
            with urllib.request.urlopen(req2, timeout=20) as r2:
                kind = r2.headers.get("content-type", "")
                disposition = r2.headers.get("content-disposition", "")
            assert "html" not in kind and "svg" not in kind, f"{name} served as {kind}"
            assert disposition.startswith("attachment"), f"{name} served inline"
        assert name.endswith(".html"), f"{name} was accepted"  # HTML strategy docs are allowed
        return
    assert code in (400, 403, 413, 415, 422), code


@pytest.mark.slow
def test_auth_enforced_when_configured(tmp_path: Path) -> None:
    with coach_server(tmp_path / "home", {"COACH_AUTH": "coach:s3cret-pw"}) as url:
        code, body = get(url + "/config")
        assert code in (401, 403) or b"auth_required" in body or b'"auth_required":true' in body
        code, body = get(url + "/gradio_api/info")
        assert code in (401, 403), code
        assert b"s3cret-pw" not in body


def test_refuses_non_local_bind_without_auth(tmp_path: Path) -> None:
    import os

    env = {**os.environ, "COACH_HOME": str(tmp_path)}
    env.pop("COACH_AUTH", None)
    proc = subprocess.run(
        [sys.executable, "-m", "coach.cli", "serve", "--host", "0.0.0.0"],
        env=env,
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    assert b"password" in proc.stderr and b"Traceback" not in proc.stderr


def test_side_by_side_stays_fast_on_thousands_of_bullets() -> None:
    """The redline took 38 s here (exact difflib on repeated tokens); the side-by-side view that
    replaced it matches units to sentences, which must not turn quadratic either."""
    from coach.analysis import analyze
    from coach.app.sidebyside import changes
    from coach.types import RewriteResult

    a = "\n".join(["- x"] * 4000)
    result = RewriteResult(
        text="\n".join(["- x done"] * 4000), engine="offline", source=a, analysis=analyze(a)
    )
    done = threading.Event()
    threading.Thread(target=lambda: (changes(result), done.set()), daemon=True).start()
    assert done.wait(10), "the side-by-side view is quadratic"
