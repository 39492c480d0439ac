"""Serve the page safely: local by default, a password whenever it is reachable from elsewhere."""

from __future__ import annotations

import ipaddress
from typing import Any

from coach.core import Coach
from coach.errors import ConfigError

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
QUEUE_SIZE = 64
CONCURRENCY = 2
MAX_FILE_SIZE = "20mb"


def is_local(host: str) -> bool:
    if host in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_auth(raw: str | None) -> tuple[str, str] | None:
    """COACH_AUTH=user:password -> (user, password); a malformed value is a ConfigError."""
    if not raw:
        return None
    user, sep, password = raw.partition(":")
    if not sep or not user or not password:
        raise ConfigError("COACH_AUTH must look like user:password, with both parts non-empty.")
    return user, password


def check_bind(host: str, auth: str | None) -> tuple[str, str] | None:
    """Refuse to serve on a non-local address without a password; return the credentials."""
    creds = parse_auth(auth)
    if not is_local(host) and creds is None:
        raise ConfigError(
            f"Refusing to serve on {host} without a password: set COACH_AUTH=user:password "
            "or bind to 127.0.0.1."
        )
    return creds


def upload_guard() -> Any:
    """Starlette middleware entry for the upload type guard (see coach/app/uploads.py)."""
    from starlette.middleware import Middleware

    from coach.app.handlers import BATCH_TYPES, CORPUS_TYPES, MAX_UPLOAD_BYTES
    from coach.app.uploads import UploadTypeGuard

    return Middleware(
        UploadTypeGuard,
        allowed=sorted(set(BATCH_TYPES) | set(CORPUS_TYPES)),
        max_bytes=MAX_UPLOAD_BYTES,
    )


def serve(
    host: str | None = None,
    port: int | None = None,
    coach: Coach | None = None,
    *,
    block: bool = True,
) -> Any:
    """Launch the page; with block=False return (app, url) for tests and benches."""
    from coach.app.layout import create_app, launch_options

    coach = coach or Coach()
    s = coach.settings
    host = host or s.host
    port = port or s.port
    creds = check_bind(host, s.auth)
    app = create_app(coach)
    app.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)
    print(f"coach: serving on http://{host}:{port}", flush=True)
    app.launch(
        server_name=host,
        server_port=port,
        share=False,
        ssr_mode=False,
        max_file_size=MAX_FILE_SIZE,
        auth=creds,
        show_error=True,
        quiet=True,
        footer_links=["api"],
        prevent_thread_lock=not block,
        app_kwargs={"middleware": [upload_guard()]},
        **launch_options(),
    )
    return app, f"http://{host}:{port}"
