"""`coach rewrite TEXT` cold start: a new process, corpus indexed, model graph and collection
snapshot already on disk (as after the first run), a text it has never seen.

References in the same run, measured the same way: `python -c pass` and
`python -c "import numpy"`. Wall time is the median of 5 runs, interleaved with the references;
user+sys CPU time is reported too, since wall time on a shared machine includes the wait for a
core.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.real import fresh_home, load

COACH = Path(sys.executable).with_name("coach")


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def run(n: int = 5) -> list[dict]:
    home = fresh_home()
    env = {**os.environ, "COACH_HOME": str(home)}
    update = "Held 4 standups and closed 40 tickets in sprint {i}; the booking form went live."
    _run([str(COACH), "rewrite", update.format(i=0)], env)  # snapshot + graph on disk
    runs: dict[str, list[tuple[float, float]]] = {"coach": [], "pass": [], "numpy": []}
    for i in range(1, n + 1):
        runs["coach"].append(_run([str(COACH), "rewrite", update.format(i=i)], env))
        runs["pass"].append(_run([sys.executable, "-c", "pass"], env))
        runs["numpy"].append(_run([sys.executable, "-c", "import numpy"], env))
    wall = {k: statistics.median(w for w, _ in v) for k, v in runs.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in runs.items()}
    spread = ", ".join(f"{w:.2f}" for w, _ in runs["coach"])
    note = f"coach rewrite wall runs {spread} s; {load()}"
    return [
        dict(metric=f"`coach rewrite` cold start, wall, median of {n}", value=wall["coach"],
             unit="s", reference="target 1.5 s", reference_value=1.5, higher_is_better=False,
             target=1.0, note=note),
        dict(metric="`coach rewrite` cold start, wall", value=wall["coach"], unit="s",
             reference='python -c "import numpy"', reference_value=wall["numpy"],
             higher_is_better=False),
        dict(metric="`coach rewrite` cold start, wall", value=wall["coach"], unit="s",
             reference="python -c pass", reference_value=wall["pass"], higher_is_better=False),
        dict(metric="`coach rewrite` cold start, user+sys CPU", value=cpu["coach"], unit="s",
             reference='python -c "import numpy" (CPU)', reference_value=cpu["numpy"],
             higher_is_better=False),
    ]  # fmt: skip


if __name__ == "__main__":
    for row in run():
        print(row)
