"""RewriteOptions: one value for every caller, checked once, defaults defined once."""

from __future__ import annotations

import argparse

import pytest

from coach.cli import basic
from coach.engines.base import AUDIENCES, DEFAULT_AUDIENCE, DEFAULT_LENGTH, LENGTHS
from coach.errors import InputError
from coach.options import RewriteOptions


def test_defaults_come_from_the_engine_seam() -> None:
    o = RewriteOptions()
    assert (o.audience, o.length, o.collection, o.engine) == (
        DEFAULT_AUDIENCE,
        DEFAULT_LENGTH,
        None,
        None,
    )


@pytest.mark.parametrize("bad", [{"audience": "board"}, {"length": "epic"}, {"colour": "red"}])
def test_a_bad_choice_is_one_sentence(bad: dict[str, str]) -> None:
    with pytest.raises(InputError, match="Unknown"):
        RewriteOptions().with_(**bad)


def test_form_values_mean_the_settings_choice() -> None:
    o = RewriteOptions.from_form("", "", "default", "auto")
    assert o == RewriteOptions()
    assert RewriteOptions.from_form("team", "brief", "ops", "offline").engine == "offline"


def test_cli_choices_are_the_seam_lists() -> None:
    parser = argparse.ArgumentParser()
    basic.register(parser.add_subparsers())
    sub = parser._subparsers._group_actions[0].choices["rewrite"]  # type: ignore[union-attr]
    by_dest = {a.dest: a for a in sub._actions}
    assert tuple(by_dest["audience"].choices) == AUDIENCES
    assert tuple(by_dest["length"].choices) == LENGTHS
    assert by_dest["audience"].default == DEFAULT_AUDIENCE
