"""Offline rewrite latency (retrieval included) for a ~120-word update, p50/p95.

Reference, same run and same collection: LangChain's standard retrieval path alone
(langchain_chroma `similarity_search`, k=3, with the same embeddings), i.e. what the
"obvious" RAG step costs before any coaching is done.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.common import percentiles

ROOT = Path(__file__).resolve().parent.parent
UPDATE = (
    "## Week 14 update\n"
    "- Held 4 standups, a sprint review and a retro with the booking squad.\n"
    "- Migrated the outpatient booking board from ZenHub to GitHub Projects and updated the RAID log.\n"
    "- Closed 40 tickets in sprint 14, including JIRA-1234 and JIRA-1240.\n"
    "- Configured the Epic interface for referral letters with Priya Shah's team.\n"
    "- The new online booking form went live on 3 March: 1,200 patients booked online, so the "
    "phone queue fell by 18% and average wait to get through dropped from 9 to 4 minutes.\n"
    "- Attended the weekly sync and various meetings with the vendor.\n"
    "- Next week: start UAT for the patient app release v2.3 and brief the steering committee.\n"
    "- Risk: the interface engine upgrade slips to Q3 if the vendor misses 30 April."
)


def run(n: int = 200) -> list[dict]:
    from langchain_chroma import Chroma

    from coach import Coach
    from coach.lc import CoachEmbeddings

    home = Path(tempfile.mkdtemp(prefix="coach-bench-"))
    coach = Coach(home=home, engine="offline")
    coach.ingest([ROOT / "corpus"])
    words = len(UPDATE.split())
    for _ in range(10):
        coach.rewrite(UPDATE)
    ours = []
    for _ in range(n):
        t = time.perf_counter()
        coach.rewrite(UPDATE)
        ours.append((time.perf_counter() - t) * 1000)

    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.PersistentClient(
        path=str(home / "chroma"), settings=ChromaSettings(anonymized_telemetry=False)
    )
    store = Chroma(
        client=client,
        collection_name="strategy",
        embedding_function=CoachEmbeddings(str(home / "models")),
    )
    for _ in range(10):
        store.similarity_search(UPDATE, k=3)
    ref = []
    for _ in range(n):
        t = time.perf_counter()
        store.similarity_search(UPDATE, k=3)
        ref.append((time.perf_counter() - t) * 1000)
    p50, p95 = percentiles(ours)
    r50, r95 = percentiles(ref)
    ref_name = "LangChain Chroma similarity_search alone"
    return [
        {
            "metric": f"offline rewrite p50 ({words} words, retrieval incl.)",
            "value": p50,
            "unit": "ms",
            "reference": ref_name,
            "reference_value": r50,
            "higher_is_better": False,
        },
        {
            "metric": f"offline rewrite p95 ({words} words, retrieval incl.)",
            "value": p95,
            "unit": "ms",
            "reference": ref_name,
            "reference_value": r95,
            "higher_is_better": False,
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
