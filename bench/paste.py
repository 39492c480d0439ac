"""A 4,000-line paste (tests/bad_inputs/files/many-tiny-lines.txt) through the API and through
the page's handler, in the same process, each starting with an empty vector cache.

API: `Coach.rewrite`. Page: `coach.app.handlers.handle_rewrite`, what the Rewrite button runs
(rewrite, then every panel: redline, highlights, scorecard, exports). The page figure is given
as a ratio to the API figure of the same run; the API figure beside a 5 s target.
"""

from __future__ import annotations

import statistics
import time

from bench.real import ROOT, fresh_home, load

PASTE = ROOT / "tests/bad_inputs/files/many-tiny-lines.txt"


def run(repeats: int = 3) -> list[dict]:
    from coach import Coach, multilingual
    from coach.app import handlers

    text = PASTE.read_text(encoding="utf-8")
    coach = Coach(home=fresh_home(), engine="offline")
    coach.rewrite("Held 4 standups.")  # opens store and model: start-up is not paste work
    cache = coach.retriever.embedder.vectors
    use = multilingual._cache()  # the injection classifier's vectors (under COACH_HOME)
    api: list[float] = []
    page: list[float] = []
    for _ in range(repeats):
        for fn, out in ((coach.rewrite, api), (lambda t: handlers.handle_rewrite(coach, t), page)):
            if cache is not None:
                cache.clear()
            if use is not None:
                use.clear()
            t = time.perf_counter()
            fn(text)
            out.append(time.perf_counter() - t)
    a, p = statistics.median(api), statistics.median(page)
    lines = len(text.splitlines())
    note = f"API runs {', '.join(f'{x:.2f}' for x in api)} s; page {', '.join(f'{x:.2f}' for x in page)} s; {load()}"
    return [
        dict(metric=f"{lines:,}-line paste through the API (Coach.rewrite), median of {repeats}",
             value=a, unit="s", reference="target 5 s", reference_value=5.0,
             higher_is_better=False, target=1.0, note=note),
        dict(metric=f"{lines:,}-line paste through the page handler", value=p, unit="s",
             reference="the API, same run", reference_value=a, higher_is_better=False,
             target=1.3, note=note),
    ]  # fmt: skip


if __name__ == "__main__":
    for row in run():
        print(row)
