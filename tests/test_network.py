"""Nothing in the product calls out except the configured model and Chroma: a subprocess with an
audit hook on "socket.connect" records every address that is not loopback or a Unix socket
while it ingests, rewrites (offline and through the fake model), runs a batch and serves the
page for one request. (CI also runs the whole suite under `unshare -n`.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CORPUS, ROOT

SCRIPT = textwrap.dedent(
    """
    import json, socket, sys
    outside = []

    def hook(event, args):
        if event == "socket.connect":
            sock, addr = args[0], args[1]
            if sock.family == socket.AF_UNIX:
                return
            host = addr[0] if isinstance(addr, tuple) else str(addr)
            if host not in ("127.0.0.1", "::1", "localhost"):
                outside.append(repr(addr))
        elif event == "socket.getaddrinfo" and args[0] not in ("127.0.0.1", "::1", "localhost"):
            outside.append("dns:" + str(args[0]))

    sys.addaudithook(hook)
    from pathlib import Path
    import urllib.request
    from coach import Coach
    home, corpus, base_url, out = sys.argv[1:5]
    c = Coach(home=home, engine="offline")
    c.ingest([corpus])
    c.rewrite("Held 4 standups and closed 40 tickets for the discharge lounge.")
    llm = Coach(home=home, engine="llm", openai_base_url=base_url, openai_api_key="k", cache=False)
    llm.rewrite("Migrated the board to GitHub Projects and ran 3 workshops.")
    list(c.rewrite_many(["Closed 9 tickets.", "Ran 2 sprint reviews."]))
    from coach.app.server import serve
    from tests.servers import free_port
    app, url = serve("127.0.0.1", free_port(), c, block=False)
    with urllib.request.urlopen(url + "/", timeout=30) as r:
        r.read()
    app.close()
    Path(out).write_text(json.dumps(outside))
    """
)


@pytest.mark.slow
def test_no_outside_connections(tmp_path: Path, fake_llm: Any) -> None:
    out = tmp_path / "outside.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            SCRIPT,
            str(tmp_path / "home"),
            str(CORPUS),
            fake_llm.base_url,
            str(out),
        ],
        capture_output=True,
        timeout=240,
        env={**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    outside = json.loads(out.read_text())
    assert outside == [], f"connections outside loopback: {outside}"


def test_the_hook_sees_an_outside_connect(tmp_path: Path) -> None:
    """The guard itself can fail: a deliberate connect to TEST-NET-1 is recorded."""
    hook = SCRIPT.split("sys.addaudithook(hook)")[0] + "sys.addaudithook(hook)\n"
    probe = hook + textwrap.dedent(
        """
        s = socket.socket(); s.settimeout(0.2)
        try:
            s.connect(("192.0.2.1", 9))
        except OSError:
            pass
        print(json.dumps(outside))
        """
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, timeout=30)
    assert "192.0.2.1" in proc.stdout.decode(), proc.stderr.decode()
