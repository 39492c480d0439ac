"""Serve the page safely: local by default, a password whenever it is reachable from elsewhere."""

from __future__ import annotations

import errno
import ipaddress
import socket
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


def port_free(host: str, port: int) -> bool:
    """Whether a server could listen on host:port now (SO_REUSEADDR, as uvicorn binds)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise ConfigError(f"Cannot serve on {host}:{port} ({exc.strerror}).") from None
    return True


def check_port(host: str, port: int) -> None:
    """A busy port is one sentence that names the next free one, never a traceback."""
    if port_free(host, port):
        return
    nxt = next((p for p in range(port + 1, min(port + 200, 65536)) if port_free(host, p)), None)
    hint = f"try `coach serve --port {nxt}`" if nxt else "choose another with --port"
    raise ConfigError(f"Port {port} on {host} is already in use: {hint}.")


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
    warmup: bool = True,
) -> Any:
    """Launch the page; with block=False return (app, url) for tests and benches.

    With `warmup` one example rewrite runs before the port opens, so the models and the store
    are loaded by then and the first click costs what every other click costs.
    """
    from coach.app.handlers import warm_up
    from coach.app.layout import EXAMPLES, create_app, launch_options

    coach = coach or Coach()
    s = coach.settings
    host = host or s.host
    port = port or s.port
    creds = check_bind(host, s.auth)
    check_port(host, port)
    app = create_app(coach)
    app.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)
    if warmup:
        warm_up(coach, EXAMPLES[0][0])
    try:
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
            prevent_thread_lock=True,
            app_kwargs={"middleware": [upload_guard()]},
            **launch_options(),
        )
    except OSError as exc:  # the port was taken between the check and the launch
        raise ConfigError(f"Cannot serve on {host}:{port}: {exc}; choose another --port.") from None
    url = f"http://{host}:{port}"
    print(f"coach: serving on {url}", flush=True)
    if block:
        app.block_thread()
    return app, url
