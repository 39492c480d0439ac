"""Optional LLM judge: G-Eval style 1-5 scores per dimension, and order-swapped pairwise votes.

The rubric (judge_rubric.yaml) fixes the evaluation steps; temperature is 0; the judge model is
configured apart from the rewriter (COACH_JUDGE_MODEL, COACH_JUDGE_BASE_URL,
COACH_JUDGE_API_KEY, falling back to the OPENAI_* ones). Calls go through coach.lc.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

from coach.errors import ConfigError, ModelError
from coach.options import DEFAULT_AUDIENCE
from coach.settings import Settings

DIMENSIONS = ("impact_framing", "faithfulness", "clarity")
Winner = Literal["A", "B", "tie"]
_JSON = re.compile(r"\{.*\}", re.S)
_SCORE = {
    "type": "object",
    "properties": {"score": {"type": "integer"}, "reason": {"type": "string"}},
    "required": ["score", "reason"],
    "additionalProperties": False,
}
_PAIR = {
    "type": "object",
    "properties": {"winner": {"enum": ["A", "B", "tie"]}, "reason": {"type": "string"}},
    "required": ["winner", "reason"],
    "additionalProperties": False,
}


@lru_cache(maxsize=1)
def rubric() -> dict[str, Any]:
    from coach import yaml_io

    text = resources.files("coach.evals").joinpath("judge_rubric.yaml").read_text("utf-8")
    return dict(yaml_io.load(text))


def judge_settings(base: Settings | None = None, **overrides: Any) -> Settings:
    """The rewriter's settings with the judge's model, server and key, and temperature 0."""
    s = base or Settings.load()
    changes: dict[str, Any] = {"temperature": 0.0}
    for field, env in (
        ("model", "COACH_JUDGE_MODEL"),
        ("openai_base_url", "COACH_JUDGE_BASE_URL"),
        ("openai_api_key", "COACH_JUDGE_API_KEY"),
    ):
        if value := os.environ.get(env):
            changes[field] = value
    changes.update(overrides)
    if not (changes.get("openai_base_url") or changes.get("openai_api_key") or s.llm_configured):
        raise ConfigError(
            "The LLM judge needs a model server: set COACH_JUDGE_BASE_URL or OPENAI_API_KEY."
        )
    return s.with_(**changes)


def _parse(reply: str) -> dict[str, Any]:
    m = _JSON.search(reply)
    try:
        data = json.loads(m.group(0)) if m else None
    except json.JSONDecodeError:
        data = None
    if not isinstance(data, dict):
        raise ModelError("The judge did not answer with a JSON object.", body=reply[:500])
    return data


@dataclass(frozen=True)
class Judgement:
    dimension: str
    score: int
    reason: str


@dataclass(frozen=True)
class Vote:
    """A pairwise verdict after both orders: a flip between orders counts as a tie."""

    dimension: str
    winner: Winner
    first: Winner  # A vs B as given
    second: Winner  # the swapped order, mapped back to the original names


class Judge:
    """Scores rewrites with an OpenAI-compatible model; stores nothing between calls."""

    def __init__(self, settings: Settings | None = None, **overrides: Any) -> None:
        self.settings = judge_settings(settings, **overrides)
        self._model: Any = None

    def _ask(self, prompt: str, schema: dict[str, Any]) -> dict[str, Any]:
        from coach import lc

        if self._model is None:
            self._model = lc.chat_model(self.settings)
        answer = lc.ask(
            self._model,
            lc.messages(rubric()["system"], prompt),
            schema,
            timeout=self.settings.timeout,
            retries=self.settings.max_retries,
        )
        return _parse(answer.text)

    def _dim(self, dimension: str) -> dict[str, str]:
        d = rubric()["dimensions"].get(dimension)
        if d is None:
            raise ConfigError(
                f"Unknown judge dimension {dimension!r}; use {', '.join(DIMENSIONS)}."
            )
        steps = "\n".join(f"{i}. {s}" for i, s in enumerate(d["steps"], 1))
        return {"criterion": d["criterion"].strip(), "steps": steps}

    def score(
        self,
        source: str,
        rewrite: str,
        passages: Sequence[str] = (),
        audience: str = DEFAULT_AUDIENCE,
        dimensions: Sequence[str] = DIMENSIONS,
    ) -> dict[str, Judgement]:
        """One 1-5 score per dimension; an out-of-range or missing score is a ModelError."""
        out = {}
        for dim in dimensions:
            prompt = rubric()["score_prompt"].format(
                **self._dim(dim),
                audience=audience,
                source=source,
                rewrite=rewrite,
                passages="\n---\n".join(passages) or "(none)",
            )
            data = self._ask(prompt, _SCORE)
            value = data.get("score")
            if not isinstance(value, int | float) or not 1 <= value <= 5:
                raise ModelError(f"The judge gave no 1-5 score for {dim}.", body=json.dumps(data))
            out[dim] = Judgement(dim, round(value), str(data.get("reason", "")))
        return out

    def _winner(self, dim: str, source: str, a: str, b: str) -> Winner:
        prompt = rubric()["pairwise_prompt"].format(**self._dim(dim), source=source, a=a, b=b)
        data = self._ask(prompt, _PAIR)
        w = str(data.get("winner", "")).strip().upper()
        return "A" if w == "A" else "B" if w == "B" else "tie"

    def compare(
        self, source: str, a: str, b: str, dimensions: Sequence[str] = DIMENSIONS
    ) -> dict[str, Vote]:
        """Ask A-vs-B and B-vs-A; a winner counts only if it wins in both orders."""
        votes = {}
        swap: dict[Winner, Winner] = {"A": "B", "B": "A", "tie": "tie"}
        for dim in dimensions:
            first = self._winner(dim, source, a, b)
            second = swap[self._winner(dim, source, b, a)]
            votes[dim] = Vote(dim, first if first == second else "tie", first, second)
        return votes


__all__ = ["DIMENSIONS", "Judge", "Judgement", "Vote", "judge_settings", "rubric"]
