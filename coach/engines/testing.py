"""An in-process engine for tests and demos: queued replies and a history of what it was asked.

Like simonw/llm's MockModel and pydantic-ai's TestModel: no server, no mock of coach's code.
Each reply is a string (the draft's text), a Draft, an exception to raise (ModelError, GuardError
... to drive the fallback), or a function of the request. With the queue empty it echoes the
update, which keeps every fact. Use it with `Coach.use(TestEngine([...]))`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from coach.engines.base import Capabilities, Draft, Request

Reply = str | Draft | BaseException | Callable[[Request], "str | Draft"]


class TestEngine:
    """Answers from a queue; `history` keeps every Request it got, in order."""

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        replies: Iterable[Reply] = (),
        *,
        name: str = "test",
        capabilities: Capabilities | None = None,
        prompt_version: str = "test-1",
        model_name: str = "test",
    ) -> None:
        self.replies: list[Reply] = list(replies)
        self.history: list[Request] = []
        self.name = name
        self.capabilities = capabilities or Capabilities(streams=True, needs_model=True)
        self.prompt_version, self.model_name = prompt_version, model_name

    def queue(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def rewrite(self, request: Request) -> Draft:
        self.history.append(request)
        reply: Reply = self.replies.pop(0) if self.replies else request.text
        if isinstance(reply, BaseException):
            raise reply
        if callable(reply):
            reply = reply(request)
        draft = reply if isinstance(reply, Draft) else Draft(text=reply)
        if request.on_token and self.capabilities.streams:
            for word in draft.text.split(" "):
                request.on_token(word + " ")
        return replace(
            draft,
            engine=draft.engine or self.name,
            prompt_version=draft.prompt_version or self.prompt_version,
            model=draft.model or self.model_name,
        )
