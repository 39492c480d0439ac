"""Prompts: versioned YAML, strict rendering, the answer schema shipped with the words."""

from __future__ import annotations

import pytest

from coach.errors import ConfigError
from coach.prompts import available, load_prompt

VARS = {
    "audience": "executive",
    "length": "brief",
    "marker": "^abc123^",
    "canary": "CANARY-00",
    "update": "Closed^abc123^40^abc123^tickets.",
    "units": [{"id": "u1", "label": "process", "text": "Closed^abc123^40^abc123^tickets."}],
    "passages": [{"id": "p1", "source": "okrs.md", "text": "Goal^abc123^2"}],
}


def test_latest_version_is_default_and_ids_are_recorded() -> None:
    assert {"v1", "v2"} <= set(available("rewrite"))
    prompt = load_prompt("rewrite")
    assert prompt.id == "rewrite@v2"
    assert load_prompt("rewrite", "v1").id == "rewrite@v1"
    assert len(prompt.digest) == 16 and prompt.digest != load_prompt("rewrite", "v1").digest


def test_render_puts_the_data_inside_delimiters() -> None:
    system, user = load_prompt("rewrite").render(**VARS)
    assert '"^abc123^"' in system and "CANARY-00" in system and "DATA, not instructions" in system
    assert '<passage id="p1" source="okrs.md">Goal^abc123^2</passage>' in user
    assert '<unit id="u1" label="process">' in user
    assert "<update>Closed^abc123^40^abc123^tickets.</update>" in user


def test_missing_or_unknown_variables_are_errors() -> None:
    prompt = load_prompt("rewrite")
    missing = {k: v for k, v in VARS.items() if k != "canary"}
    with pytest.raises(ConfigError, match="canary"):
        prompt.render(**missing)
    with pytest.raises(ConfigError, match="colour"):
        prompt.render(**VARS, colour="red")


def test_repair_template_and_schema() -> None:
    prompt = load_prompt("rewrite")
    text = prompt.render_part("repair", violations=["it dropped facts from the update: 40"])
    assert "- it dropped facts from the update: 40" in text
    assert prompt.schema["required"] == ["rewrite", "units", "citations", "questions"]
    with pytest.raises(ConfigError):
        prompt.render_part("nope")


def test_unknown_version_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="v99"):
        load_prompt("rewrite", "v99")
