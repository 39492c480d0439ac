"""A model engine wrapped with a fallback: the shape of pydantic-ai's FallbackModel, small.

The rule for moving on: a ModelError (the server failed, timed out, or its answer failed the
guard: GuardError) or a draft that fails the code fact check goes to the fallback engine, with
the reason kept as the first finding. A ModelAuthError does not: a bad key or an empty quota
fails every request the same way, and the person has to act on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from coach.engines.base import Draft, Engine, Request, Wrapper
from coach.errors import GuardError, ModelAuthError, ModelError
from coach.facts import check_facts

Check = Callable[[Request, Draft], tuple[Draft, str | None]]  # (draft, reason to reject it)


def facts_kept(request: Request, draft: Draft) -> tuple[Draft, str | None]:
    """Facts in = facts out, checked in code on the primary's draft (the guard's last word);
    the check rides on the draft, so the core does not run it again."""
    facts = check_facts(request.text, draft.text, [c.context for c in request.citations])
    if facts.ok:
        return replace(draft, facts=facts), None
    parts = []
    if facts.missing:
        parts.append("dropped " + ", ".join(facts.missing[:5]))
    if facts.added:
        parts.append("added " + ", ".join(facts.added[:5]))
    return draft, "The model's rewrite failed the facts guard (" + "; ".join(parts) + ")"


class FallbackEngine(Wrapper):
    """Try `primary`; on an error in `fallback_on` (not in `never`) or a rejected draft, use `fallback`."""

    def __init__(
        self,
        primary: Engine,
        fallback: Engine,
        *,
        fallback_on: tuple[type[Exception], ...] = (ModelError,),
        never: tuple[type[Exception], ...] = (ModelAuthError,),
        check: Check | None = facts_kept,
    ) -> None:
        super().__init__(primary)
        self.primary, self.fallback = primary, fallback
        self.fallback_on, self.never, self.check = fallback_on, never, check

    def rewrite(self, request: Request) -> Draft:
        try:
            draft = self.primary.rewrite(request)
        except self.never:
            raise
        except self.fallback_on as exc:
            reason = str(exc) if isinstance(exc, GuardError) else f"Model failed ({exc})"
        else:
            if self.check is None:
                return draft
            draft, rejected = self.check(request, draft)
            if rejected is None:
                return draft
            reason = rejected
        out = self.fallback.rewrite(replace(request, on_token=None))
        note = f"{reason}; used the {self.fallback.name} coach instead."
        return replace(
            out,
            engine=f"{self.fallback.name}-fallback",
            fell_back=True,
            findings=(note, *out.findings),
        )
