"""LLM rewrite throughput against the loopback fake OpenAI server with a fixed model latency.

Coach (retrieval + spotlighted prompt + structured output + guard, cache off) through
`Coach.rewrite_many` at concurrency 1 and 16, beside the reference measured in the same run:
a plain sequential LangChain `prompt | llm` loop (ChatPromptTemplate | ChatOpenAI) against the
same server, i.e. what the obvious LangChain script does with no retrieval and no guard.
The fake server answers after LATENCY seconds, so the figures show how well coach hides model
latency, not how fast a real model is.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LATENCY = 0.2  # seconds the fake model takes per answer
TEMPLATES = [
    "Held 4 standups and closed {n} tickets in Sprint 12 for the booking squad.",
    "Migrated the ward rota board from ZenHub to GitHub Projects; {n} nurses onboarded.",
    "Ran {n} UAT sessions for the patient app v2.3, which cut failed logins by 18%.",
    "The online booking form went live on 3 March: {n} patients booked online.",
]


def _updates(count: int, tag: str) -> list[str]:
    return [TEMPLATES[i % len(TEMPLATES)].format(n=100 + i) + f" ({tag}{i})" for i in range(count)]


def run(sequential: int = 16, parallel: int = 64) -> list[dict]:
    sys.path.insert(0, str(ROOT))
    from langchain_core.prompts import ChatPromptTemplate
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    from coach import Coach
    from tests.fake_openai import fake_openai

    home = Path(tempfile.mkdtemp(prefix="coach-bench-llm-"))
    Coach(home=home, engine="offline").ingest([ROOT / "corpus"])
    rows: list[dict] = []
    with fake_openai(latency=LATENCY) as fake:
        coach = Coach(home=home, engine="llm", **fake.settings(cache=False, timeout=30.0))
        list(coach.rewrite_many(_updates(4, "warm"), concurrency=4))  # load models, open store

        # Reference: the plain sequential LangChain loop, same server, same latency.
        prompt = ChatPromptTemplate.from_messages(
            [("system", "Rewrite this status update as outcomes."), ("user", "{update}")]
        )
        chain = prompt | ChatOpenAI(
            model="fake-model", base_url=fake.base_url, api_key=SecretStr("x"), max_retries=0
        )
        texts = _updates(sequential, "ref")
        t = time.perf_counter()
        for text in texts:
            chain.invoke({"update": text})
        ref = sequential / (time.perf_counter() - t)

        for conc, n in ((1, sequential), (16, parallel)):
            texts = _updates(n, f"c{conc}-")
            t = time.perf_counter()
            results = list(coach.rewrite_many(texts, concurrency=conc))
            rate = n / (time.perf_counter() - t)
            engines = {r["result"].engine for r in results if r.get("result") is not None}
            if engines != {"llm"}:
                raise RuntimeError(f"bench rewrites did not all come from the model: {engines}")
            rows.append(
                {
                    "metric": f"llm rewrites/s, concurrency {conc} ({LATENCY * 1000:.0f} ms model)",
                    "value": rate,
                    "unit": "updates/s",
                    "reference": "sequential LangChain prompt|llm loop",
                    "reference_value": ref,
                    "higher_is_better": True,
                }
            )
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
