"""Real servers for tests: `coach serve` in a subprocess on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, timeout: float = 60.0, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(
                f"server exited with {proc.returncode}: {proc.stderr.read().decode() if proc.stderr else ''}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status < 500:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer in {timeout} s")


@contextmanager
def served_process(
    cmd: list[str], url: str, health: str, env: dict[str, str], timeout: float = 60.0
) -> Iterator[str]:
    """Run a server command, wait until `url + health` answers, yield `url`, then stop it."""
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_http(url + health, timeout=timeout, proc=proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextmanager
def coach_server(
    home: Path, extra_env: dict[str, str] | None = None, timeout: float = 60.0
) -> Iterator[str]:
    """Serve the page from a real `coach serve` process; yield its base URL."""
    port = free_port()
    env = {**os.environ, "COACH_HOME": str(home), "COACH_PORT": str(port), **(extra_env or {})}
    cmd = [sys.executable, "-m", "coach.cli", "serve", "--host", "127.0.0.1"]
    with served_process(cmd, f"http://127.0.0.1:{port}", "/", env, timeout=timeout) as url:
        yield url
