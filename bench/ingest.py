"""Ingest and query: coach vs LangChain's Chroma wrapper, same embeddings, same machine, same run.

Rows: ingest of ~5,000 chunks (seconds and chunks/s), an unchanged re-ingest as a fraction of the
first run, and query latency p50/p95. The reference is langchain_chroma (`Chroma.from_texts`,
`add_texts` again for the re-ingest, `similarity_search`) with coach's MiniLM wrapped as a
LangChain Embeddings, so the difference is the pipeline, not the model.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
import time
from pathlib import Path

from bench.common import percentiles

ROOT = Path(__file__).resolve().parent.parent
# One chunk per section: 5,000 chunks (COACH_BENCH_INGEST_FILES=20 gives 1,000 on a busy machine).
N_FILES, SECTIONS = int(os.environ.get("COACH_BENCH_INGEST_FILES", "100")), 50
WORDS = [
    "patients",
    "waiting",
    "list",
    "clinic",
    "booking",
    "app",
    "digital",
    "record",
    "staff",
    "nurses",
    "vacancy",
    "agency",
    "budget",
    "surplus",
    "savings",
    "carbon",
    "heat",
    "pumps",
    "estate",
    "wing",
    "community",
    "partners",
    "residents",
    "prescribing",
    "volunteers",
    "outpatient",
    "theatre",
    "diagnostics",
    "scans",
    "weeks",
    "target",
    "pathway",
    "discharge",
    "ward",
    "beds",
    "training",
    "retention",
    "wellbeing",
    "council",
    "funding",
    "capital",
    "backlog",
]


def make_corpus(folder: Path) -> None:
    rng = random.Random(4)
    pillars = ["access", "digital", "workforce", "finance", "community", "estate"]
    for f in range(N_FILES):
        lines = [f"---\ntitle: Plan {f}\npillars: [{pillars[f % 6]}]\n---\n# Plan {f}\n"]
        for s in range(SECTIONS):
            body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(50, 80)))
            lines.append(f"## Goal {s} {{#{rng.choice(pillars)}}}\n\n{body.capitalize()}.\n")
        (folder / f"plan-{f:03d}.md").write_text("\n".join(lines))


def run() -> list[dict]:
    from langchain_chroma import Chroma
    from langchain_core.embeddings import Embeddings

    from coach import Coach
    from coach.embeddings import get_embedder
    from coach.ingest import iter_files, load_file

    queries = [json.loads(x)["query"] for x in (ROOT / "eval" / "retrieval.jsonl").open()]
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        docs, home = t / "docs", t / "home"
        docs.mkdir()
        home.mkdir()
        make_corpus(docs)
        models = Path.home() / ".coach" / "models"  # a warm ONNX cache, shared by both sides
        models.mkdir(parents=True, exist_ok=True)
        (home / "models").symlink_to(models)
        embedder = get_embedder(str(home / "models"))
        embedder.embed(["warm up"])

        coach = Coach(home=home, engine="offline")
        t0 = time.perf_counter()
        stats = coach.ingest([docs])
        first = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = coach.ingest([docs])
        second = time.perf_counter() - t0
        assert again["added"] == 0, again
        n = stats["added"]
        ours = []
        coach.retrieve(queries[0])
        for q in queries:
            t0 = time.perf_counter()
            coach.retrieve(q, k=3)
            ours.append((time.perf_counter() - t0) * 1000)

        class LCMiniLM(Embeddings):
            def embed_documents(self, texts: list[str]) -> list[list[float]]:
                return embedder.embed(texts).tolist()

            def embed_query(self, text: str) -> list[float]:
                return embedder.embed_one(text).tolist()

        chunks = [c for p, r in iter_files([docs]) for c in load_file(p, r)]
        texts, ids = [c.text for c in chunks], [c.id for c in chunks]
        metas = [c.metadata for c in chunks]
        t0 = time.perf_counter()
        ref = Chroma.from_texts(
            texts, LCMiniLM(), metadatas=metas, ids=ids, persist_directory=str(t / "lc")
        )
        ref_first = time.perf_counter() - t0
        t0 = time.perf_counter()
        ref.add_texts(texts, metadatas=metas, ids=ids)
        ref_second = time.perf_counter() - t0
        theirs = []
        ref.similarity_search(queries[0], k=3)
        for q in queries:
            t0 = time.perf_counter()
            ref.similarity_search(q, k=3)
            theirs.append((time.perf_counter() - t0) * 1000)
    p50, p95 = percentiles(ours)
    r50, r95 = percentiles(theirs)
    ref_name = "langchain_chroma 1.1.0, same MiniLM"
    return [
        row(
            f"ingest {n:,} chunks ({N_FILES} Markdown files)",
            first,
            "s",
            ref_name,
            ref_first,
            False,
        ),
        row("ingest throughput", n / first, "chunks/s", ref_name, len(texts) / ref_first, True),
        row(
            "unchanged re-ingest, fraction of the first run",
            second / first,
            "x",
            f"{ref_name} (add_texts again)",
            ref_second / ref_first,
            False,
        ),
        row(
            f"query latency p50 ({len(queries)} queries, k=3, hybrid)",
            p50,
            "ms",
            ref_name + " (dense)",
            r50,
            False,
        ),
        row(
            f"query latency p95 ({len(queries)} queries, k=3, hybrid)",
            p95,
            "ms",
            ref_name + " (dense)",
            r95,
            False,
        ),
    ]


def row(metric: str, value: float, unit: str, ref: str, ref_value: float, higher: bool) -> dict:
    return {
        "metric": metric,
        "value": value,
        "unit": unit,
        "reference": ref,
        "reference_value": ref_value,
        "higher_is_better": higher,
    }


if __name__ == "__main__":
    for r in run():
        print(json.dumps(r))
