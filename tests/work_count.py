"""Work, not time: the machine instructions a call executes, counted by valgrind (callgrind).

The linear-time tests used to compare CPU seconds on n and 8n characters; on a shared machine
those ratios drifted from 8x to 27x under load. An instruction count is the same on a busy
machine and an idle one, and it sees every kind of work: Python bytecode, slicing and counting
inside str methods, and the regex engine's backtracking. One valgrind process per function:
the driver below calls it on each text, and `os.getppid()` marks where each measured call
starts and ends (callgrind dumps its counters before every call of that C function).

Run directly as `python -m tests.work_count MODULE:FUNC INPUTS.json` only by `instructions`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READY = "work_count: ready"
MARK = "os_getppid"  # the C function whose every call makes callgrind dump its counters


def instructions(target: str, texts: list[str], *, timeout: float = 600) -> list[int]:
    """Instructions `target` ("module:function") executes on each of `texts`, in order.

    Every text is first run once uninstrumented (compiled patterns, vocabularies, lazy
    imports: valgrind runs that part ~5x slower than native, not ~50x); per-text caches are
    cleared before each measured call (see `_per_call_caches`).
    """
    valgrind, control = shutil.which("valgrind"), shutil.which("callgrind_control")
    assert valgrind and control, "valgrind is not installed: `apt-get install valgrind`"
    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp) / "inputs.json"
        inputs.write_text(json.dumps(texts), encoding="utf-8")
        out = Path(tmp) / "cg.out"
        env = {**os.environ, "PYTHONHASHSEED": "0", "OMP_WAIT_POLICY": "passive"}
        cmd = [valgrind, "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}"]
        cmd += [f"--dump-before={MARK}", "--collect-systime=no"]
        cmd += [sys.executable, "-m", "tests.work_count", target, str(inputs)]
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        # the warm-up runs under valgrind too: a hang there ends at `timeout`, not never
        watchdog = threading.Timer(timeout, proc.kill)
        watchdog.start()
        try:
            assert proc.stdout and proc.stdin
            for line in proc.stdout:  # imports and warm-up done: instrument from here on
                if line.strip() == READY:
                    break
            else:  # the driver died (or was killed) before it was ready: say why
                proc.wait()
                err = proc.stderr.read() if proc.stderr else ""
                raise AssertionError(
                    f"{target} failed under valgrind before measuring: {err[-3000:]}"
                )
            on = subprocess.run(
                [control, "-i", "on", str(proc.pid)], capture_output=True, timeout=60
            )
            assert on.returncode == 0, on.stderr
            _, err = proc.communicate("go\n", timeout=timeout)
        finally:
            watchdog.cancel()
            proc.kill()
        assert proc.returncode == 0, err[-3000:]
        totals = {int(p.suffix[1:]): _total(p) for p in Path(tmp).glob("cg.out.*")}
    # Dump k holds the work since dump k-1: marks 2, 4, 6, ... close the measured calls.
    assert len(totals) >= 2 * len(texts), (
        f"callgrind wrote {len(totals)} dumps for {len(texts)} calls: this Python's os.getppid "
        f"is not the C function {MARK}, or the target called it"
    )
    return [totals[2 * (i + 1)] for i in range(len(texts))]


def growth(target: str, cases: list[str], chars: int, times: int = 8) -> dict[str, float]:
    """For each unit: (work on `times` x n chars - work on one unit) / (work on n - one unit)."""
    texts = []
    for unit in cases:
        small = unit * max(2, chars // len(unit))
        texts += [unit, small, small * times]
    counts = instructions(target, texts)
    out = {}
    for i, unit in enumerate(cases):
        one, small, big = counts[3 * i : 3 * i + 3]
        out[unit] = (big - one) / max(small - one, 1)
    return out


def _total(dump: Path) -> int:
    for line in dump.read_text(encoding="utf-8").splitlines():
        if line.startswith("totals:"):
            return int(line.split()[1])
    raise AssertionError(f"no totals in {dump}")


def _per_call_caches() -> list:
    """The caches of coach's functions that take arguments (per text, per unit): cleared before
    each measured call, so a text's second run is not a lookup. Loaders that take nothing
    (vocabularies, compiled rules) stay warm: they are the same cost for every text."""
    import inspect

    found = []
    for name, module in list(sys.modules.items()):
        if not name.startswith("coach"):
            continue
        for obj in list(vars(module).values()):
            wrapped = getattr(obj, "__wrapped__", None)
            if hasattr(obj, "cache_clear") and wrapped and inspect.signature(wrapped).parameters:
                found.append(obj.cache_clear)
    return found


def _drive(target: str, inputs: str) -> None:
    """Warm on every text; once instrumented, clear, mark, call, mark for each."""
    import importlib

    module, name = target.split(":")
    func = getattr(importlib.import_module(module), name)
    texts = json.loads(Path(inputs).read_text(encoding="utf-8"))
    for text in texts:
        func(text)
    caches = _per_call_caches()
    print(READY, flush=True)
    sys.stdin.readline()  # until callgrind instruments
    for text in texts:
        for clear in caches:
            clear()
        os.getppid()
        func(text)
        os.getppid()


if __name__ == "__main__":
    _drive(sys.argv[1], sys.argv[2])
