"""render.vocab is cached: the same words as the template's lists, built once, and shared frozen."""

from __future__ import annotations

import pytest

from coach.engines.render import vocab
from coach.engines.sections import template

LISTS = [k for k, v in template()["sections"].items() if isinstance(v, list)]


@pytest.mark.parametrize("key", LISTS)
def test_vocab_is_the_templates_list(key: str) -> None:
    assert vocab(key) == {str(w) for w in template()["sections"][key]}
    assert vocab(key) is vocab(key)  # built once, not a set per call
    with pytest.raises(AttributeError):
        vocab(key).add("x")  # type: ignore[attr-defined]  # shared: nobody may grow it


def test_every_key_the_code_asks_for_is_a_list() -> None:
    for key in (
        "runs_on_after",
        "not_names",
        "about_itself",
        "leans_on_previous",
    ):
        assert key in LISTS and vocab(key)
