"""The web page: the only package that imports gradio.

`create_app(coach)` returns the Blocks without launching (layout.py); the buttons call plain
functions in handlers.py; every piece of untrusted text is escaped in render.py. `serve()` is
safe by default: 127.0.0.1, share off, ssr_mode off (CVE-2026-134825), analytics off, upload
size, queue and concurrency limits, and a password required on any non-local address.
"""

from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from coach.app.handlers import api_analyze, api_rewrite, handle_rewrite
from coach.app.layout import EXAMPLES, create_app, launch_options
from coach.app.server import check_bind, parse_auth, serve

__all__ = [
    "EXAMPLES",
    "api_analyze",
    "api_rewrite",
    "check_bind",
    "create_app",
    "handle_rewrite",
    "launch_options",
    "parse_auth",
    "serve",
]
