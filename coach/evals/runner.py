"""Run a dataset through an engine and score every rewrite; one failing case never stops a run."""

from __future__ import annotations

import json
import re
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from coach import engines
from coach.errors import CoachError
from coach.evals.dataset import Case
from coach.evals.metrics import GATES, score_result
from coach.evals.suite import Suite
from coach.options import RewriteOptions

_MARKER = re.compile(r"\[(\d{1,2})\]")
# Means over items for the summary table and for `compare`.
SUMMARY_METRICS = (
    "content_preservation",
    "chrf",
    "facts_recall",
    "facts_precision",
    "required_facts_recall",
    "process_density_before",
    "process_density_after",
    "outcome_signal_count",
    "link_support",
    "grade_level",
    "avg_sentence_words",
    "length_ratio",
    "copy_rate",
    "pillar_hit",
    "elapsed_ms",
    "judge_impact_framing",
    "judge_faithfulness",
    "judge_clarity",
)


def ensure_corpus(coach: Any, collection: str | None = None) -> int:
    """Index the sample corpus when the collection is empty, so a fresh machine can run evals."""
    from coach.resources import data_path

    name = collection or coach.settings.collection
    if coach.store.count(name) == 0:
        coach.ingest([data_path("corpus")], collection=name)
    return int(coach.store.count(name))


def citations_valid(text: str, cited: Sequence[Any], known_ids: set[str] | None) -> bool:
    """Every [n] marker points at a listed citation, and every citation is a stored passage.

    The core only lists passages it retrieved, so "in the collection" is the check left to do.
    """
    markers = [int(m) for m in _MARKER.findall(text)]
    if any(n < 1 or n > len(cited) for n in markers):
        return False
    return known_ids is None or all(c.id in known_ids for c in cited)


def run_case(
    coach: Any,
    case: Case,
    engine: str,
    collection: str | None,
    gates: dict[str, Any],
    known_ids: set[str] | None = None,
) -> dict[str, Any]:
    """Rewrite and score one case; a CoachError becomes an item with verdict "error"."""
    item: dict[str, Any] = {
        "id": case.id,
        "field": case.field,
        "difficulty": case.difficulty,
        "tags": list(case.tags),
        "audience": case.audience,
    }
    started = time.perf_counter()
    try:
        opts = RewriteOptions(audience=case.audience, engine=engine, collection=collection)
        result = coach.rewrite(case.update, opts)
    except CoachError as exc:
        item.update(verdict="error", error=str(exc), failed_gates=["error"], gates_passed=[])
        return item
    metrics = score_result(
        result,
        citations_valid(result.text, result.citations, known_ids),
        required_facts=case.facts,
        canary=case.canary,
        gates=gates,
    )
    pillars = {c.pillar for c in result.citations if c.pillar}
    item.update(
        engine=result.engine,
        prompt_version=result.prompt_version,
        model=result.model,
        source=result.source,
        rewrite=result.text,
        citations=[c.id for c in result.citations],
        citation_pillars=sorted(pillars),
        pillar_hit=(bool(pillars & set(case.gold_pillars)) if case.gold_pillars else None),
        questions=len(result.questions),
        findings=list(result.findings),
        elapsed_ms=round((time.perf_counter() - started) * 1000, 1),
        **metrics,
    )
    return item


def run(
    coach: Any,
    cases: Iterable[Case],
    *,
    engine: str = engines.FALLBACK,  # the deterministic engine
    collection: str | None = None,
    suite: Suite | None = None,
    progress: Callable[[dict[str, Any]], None] | None = None,
    with_judge: bool = False,
) -> list[dict[str, Any]]:
    """Every case rewritten and scored, in dataset order."""
    gates = dict((suite or Suite()).gates)
    from coach.evals.judge import Judge

    judge: Judge | None = Judge(coach.settings) if with_judge else None
    known = set(coach.store.ids(collection or coach.settings.collection))
    items = []
    for case in cases:
        item = run_case(coach, case, engine, collection, gates, known)
        if judge is not None and "rewrite" in item:
            judge_item(judge, item, case)
        items.append(item)
        if progress:
            progress(item)
    return items


def judge_item(judge: Any, item: dict[str, Any], case: Case) -> None:
    """Add the LLM judge's 1-5 scores (judge_<dimension>); a failed dimension is noted, not fatal."""
    from coach.evals.judge import DIMENSIONS

    errors = []
    for dim in DIMENSIONS:
        try:
            j = judge.score(
                item["source"], item["rewrite"], audience=case.audience, dimensions=[dim]
            )
            item[f"judge_{dim}"] = j[dim].score
        except CoachError as exc:
            errors.append(f"{dim}: {exc}")
    if errors:
        item["judge_error"] = "; ".join(errors)


def summarize(items: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Pass rates (overall and per gate, over the items a gate applies to) and metric means."""
    scored = [i for i in items if i.get("verdict") != "error"]
    gates: dict[str, dict[str, Any]] = {}
    for name in GATES:
        passed = sum(name in i.get("gates_passed", ()) for i in scored)
        failed = sum(name in i.get("failed_gates", ()) for i in scored)
        if passed + failed:
            gates[name] = {
                "passed": passed,
                "failed": failed,
                "rate": round(passed / (passed + failed), 4),
            }
    means: dict[str, float] = {}
    for key in SUMMARY_METRICS:
        values = [float(i[key]) for i in scored if isinstance(i.get(key), int | float | bool)]
        if values:
            means[key] = round(statistics.fmean(values), 4)
    by_tag: dict[str, list[int]] = {}
    for i in scored:
        for tag in i.get("tags", ()):
            by_tag.setdefault(tag, [0, 0])[i["verdict"] == "pass"] += 1
    return {
        "items": len(items),
        "errors": len(items) - len(scored),
        "passed": sum(i["verdict"] == "pass" for i in scored),
        "pass_rate": round(sum(i["verdict"] == "pass" for i in scored) / len(items), 4)
        if items
        else 0.0,
        "gates": gates,
        "means": means,
        "by_tag": {t: {"passed": p, "items": f + p} for t, (f, p) in sorted(by_tag.items())},
    }


def write_run(
    out: str | Path, items: Sequence[dict[str, Any]], meta: dict[str, Any]
) -> dict[str, Any]:
    """items.jsonl + summary.json in `out`; returns the summary (with the run's metadata)."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "items.jsonl").open("w", encoding="utf-8") as f:
        for item in items:
            f.write(json.dumps(item, ensure_ascii=False, sort_keys=True) + "\n")
    summary = {"meta": meta, **summarize(items)}
    (folder / "summary.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return summary


def use_prompt_version(coach: Any, engine: str, version: str) -> None:
    """Run the LLM engine with a given prompt version (prompts/rewrite/<version>)."""
    from coach.engines.llm import LLMEngine
    from coach.errors import ConfigError

    if engine != LLMEngine.name:
        raise ConfigError(f"--prompt-version applies to the {LLMEngine.name} engine only.")
    coach.use(LLMEngine(coach.settings, version))
