"""Render eval/baselines/llm-*/report.json (from eval/llm/run.py) as report.md, with examples.

.venv/bin/python eval/llm/report.py eval/baselines/llm-qwen1.5b
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def _row(name: str, llm: Any, off: Any) -> str:
    return f"| {name} | {llm} | {off} |"


def _which(rep: dict[str, Any]) -> str:
    subset = (Path(__file__).parent / "subset.txt").read_text().split()
    return "eval/llm/subset.txt" if set(rep["updates"]) <= set(subset) else "chosen by --ids"


def _load_and_replay(rep: dict[str, Any], folder: Path) -> list[str]:
    load, out = rep.get("load_average") or {}, []
    if load.get("mean") is not None:
        out += [
            f"Machine load while the model ran: 1-minute load average {load['mean']} on "
            f"{rep.get('cpu_count', 2)} cores (min {load['min']}, max {load['max']}); the "
            "seconds per update are wall time under that load.",
            "",
        ]
    if rep.get("replayed_from"):
        out += [
            f"Replayed: the model's answers were recorded by the real run in "
            f"`{rep['replayed_from']}` and served again through the whole pipeline by the "
            "loopback fake server (`eval/llm/run.py --replay`), so the text, guard and scores "
            "are today's code on the real model's answers; seconds, prompt tokens and injection "
            "figures are the real run's.",
            "",
        ]
    return out


def _recorded_reasons(rep: dict[str, Any]) -> dict[str, str]:
    """A replayed fallback's reason as the real run recorded it (the replay only fails)."""
    src = rep.get("replayed_from")
    if not src or not Path(src).is_file():
        return {}
    out = {}
    for line in Path(src).read_text().splitlines():
        r = json.loads(line)
        if r["run"] == "llm" and r["engine"] != "llm":
            out[r["id"]] = next((f for f in r["findings"] if "instead" in f), "")[:300]
    return out


def render(folder: Path) -> str:
    rep = json.loads((folder / "report.json").read_text())
    rows = [json.loads(x) for x in (folder / "rows.jsonl").read_text().splitlines()]
    llm, off = rep["llm"], rep["offline"]
    guarded, shown, offs = llm["summary"], llm["all_shown"], off["summary"]
    led = [r for r in rows if r["run"] == "llm" and r["engine"] == "llm" and "lead" in r]
    lines = [
        f"# LLM eval: {rep['model']} ({rep['threads']} threads) beside the offline engine",
        "",
        f"{len(rep['updates'])} real updates from the dev set ({_which(rep)}); produced by",
        "`make eval-llm` (eval/llm/run.py), scored with coach/evals/rewrites.py.",
        "",
        "| | llm engine | offline engine |",
        "|---|---|---|",
        _row(
            "guarded rewrites by the engine itself",
            f"{llm['engine_rewrites']}/{llm['updates']} ({llm['engine_rate']}%)",
            f"{off['engine_rewrites']}/{off['updates']}",
        ),
        _row(
            "leads with the curated outcome (of its own rewrites with one)",
            f"{sum(r['lead']['leads'] for r in led)}/{len(led)} ({guarded['leads_with_outcome']}%)",
            f"{offs['leads_with_outcome']}% of {offs['outcome_updates']}",
        ),
        _row(
            "leads with the outcome, everything shown (fallbacks too)",
            f"{shown['leads_with_outcome']}% of {shown['outcome_updates']}",
            "-",
        ),
        _row(
            "code fact check ok (what is shown)",
            f"{llm['code_facts_ok']}/{llm['updates']}",
            f"{off['code_facts_ok']}/{off['updates']}",
        ),
        _row(
            "curated facts kept (what is shown)",
            f"{shown['facts_kept']}%",
            f"{offs['facts_kept']}%",
        ),
        _row("invented facts", shown["invented_facts"], offs["invented_facts"]),
        _row(
            "garbled fragments (updates)",
            f"{shown['garbled_fragments']} ({shown['updates_with_fragments']})",
            f"{offs['garbled_fragments']} ({offs['updates_with_fragments']})",
        ),
        _row(
            "leaked markup (updates)",
            f"{shown['leaked_markup']} ({shown['updates_with_markup']})",
            f"{offs['leaked_markup']} ({offs['updates_with_markup']})",
        ),
        _row(
            "asks for the outcome (process-heavy, none stated)",
            f"{shown['asks_for_outcome']}%",
            f"{offs['asks_for_outcome']}%",
        ),
        _row("seconds per update", llm["seconds_per_update"], off["seconds_per_update"]),
        "",
        *_load_and_replay(rep, folder),
        f"Prompt tokens (the model's tokenizer): {rep['prompt_tokens']['spotlighted']} spotlighted vs "
        f"{rep['prompt_tokens']['undecorated']} undecorated, ratio {rep['prompt_tokens']['ratio']} "
        f"(worst update {rep['prompt_tokens']['max_ratio']}).",
        "",
    ]
    if rep.get("injection"):
        lines.append("Injection payloads (direct, inside the update, core quarantine bypassed):")
        for variant, r in rep["injection"].items():
            lines.append(
                f"- {variant}: canary returned {r['canary_returned']}/{r['payloads']}, "
                f"payload unit led the rewrite {r['payload_leads']}/{r['payloads']}"
            )
        lines.append("")
    if llm["fallbacks"]:
        lines.append("Fallbacks (the offline rewrite was shown, tagged, with the reason):")
        recorded = _recorded_reasons(rep)
        lines += [f"- {f['id']}: {recorded.get(f['id']) or f['why']}" for f in llm["fallbacks"]]
        lines.append("")
    misses = [r for r in led if not r["lead"]["leads"]]
    if misses:
        lines.append("Rewrites that did not lead with the curated outcome:")
        for r in misses:
            lines.append(
                f'- {r["id"]}: led with "{r["lead"]["first"][:160]}"; curated: "{r["outcome"][:160]}"'
            )
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    (folder / "report.md").write_text(render(folder) + "\n")
    print((folder / "report.md").read_text())
