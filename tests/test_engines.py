"""The engine seam: registry, fallback rule, redaction wrapper and the in-process test engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach import Coach, engines
from coach.engines.base import Capabilities, Draft
from coach.engines.testing import TestEngine
from coach.errors import ConfigError, GuardError, ModelAuthError, ModelError

UPDATE = "Cut clinic wait times from 40 to 25 minutes for 1,200 patients by moving triage online."


def test_registry_drives_settings_choices() -> None:
    assert set(engines.names()) <= set(engines.choices())
    assert engines.AUTO in engines.choices()
    with pytest.raises(ConfigError, match="COACH_ENGINE must be one of"):
        Coach(engine="no-such-engine")
    with pytest.raises(ConfigError, match="needs a model server"):
        Coach(engine=next(n for n in engines.names() if engines.capabilities(n).needs_model))


def test_auto_picks_by_settings(tmp_path: Path) -> None:
    plain = Coach(home=tmp_path).settings
    assert not engines.capabilities(engines.resolve(None, plain)).needs_model
    served = Coach(home=tmp_path, openai_base_url="http://127.0.0.1:9").settings
    assert engines.capabilities(engines.resolve(None, served)).needs_model
    assert engines.available(plain) == tuple(
        n for n in engines.names() if not engines.capabilities(n).needs_model
    )


def test_test_engine_answers_from_its_queue_and_keeps_history(indexed_home: Path) -> None:
    coach = Coach(home=indexed_home, engine="offline")
    fake = TestEngine([UPDATE + " Patients now book online."])
    coach.use(fake)
    r = coach.rewrite(UPDATE, engine="test", audience="team", batch=True)
    assert r.engine == "test" and not r.fell_back and r.facts.ok
    assert r.text.startswith(UPDATE)
    assert len(fake.history) == 1
    assert fake.history[0].audience == "team" and fake.history[0].batch


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (ModelError("HTTP 500 from the model server"), "HTTP 500"),
        (GuardError("The model's rewrite failed the guard: canary", ("canary",)), "canary"),
        ("Cut clinic wait times by 90% for everyone.", "facts guard"),  # facts lost and added
    ],
)
def test_fallback_moves_on_with_the_reason(indexed_home: Path, reply: object, reason: str) -> None:
    coach = Coach(home=indexed_home, engine="offline")
    coach.use(TestEngine([reply]))  # type: ignore[list-item]
    r = coach.rewrite(UPDATE, engine="test")
    assert r.fell_back and r.engine == f"{engines.FALLBACK}-fallback"
    assert r.facts.ok
    assert reason in r.findings[0] and "instead" in r.findings[0], r.findings


def test_fallback_never_hides_a_bad_key(indexed_home: Path) -> None:
    coach = Coach(home=indexed_home, engine="offline")
    coach.use(TestEngine([ModelAuthError("The model server refused the key.")]))
    with pytest.raises(ModelAuthError):
        coach.rewrite(UPDATE, engine="test")


def test_an_engine_without_a_model_is_not_wrapped(indexed_home: Path) -> None:
    coach = Coach(home=indexed_home, engine="offline")
    fake = TestEngine([ModelError("boom")], capabilities=Capabilities())
    coach.use(fake)
    assert coach.engine("test") is fake
    with pytest.raises(ModelError):
        coach.rewrite(UPDATE, engine="test")


def test_redaction_wraps_the_model_engine(indexed_home: Path) -> None:
    coach = Coach(home=indexed_home, engine="offline", redact=True)
    fake = TestEngine([lambda req: Draft(text=req.text)])
    coach.use(fake)
    text = UPDATE + " Ask ana.silva@example.org for the rota."
    r = coach.rewrite(text, engine="test")
    assert "ana.silva@example.org" not in fake.history[0].text
    assert "[email 1]" in fake.history[0].text
    assert "ana.silva@example.org" in r.text and r.facts.ok, r.findings
    assert any(f.startswith("Redacted 1 email") for f in r.findings)


def test_streaming_reaches_on_token(indexed_home: Path) -> None:
    coach = Coach(home=indexed_home, engine="offline")
    coach.use(TestEngine([UPDATE]))
    pieces = [p for p in coach.rewrite_stream(UPDATE, engine="test") if isinstance(p, str)]
    assert "".join(pieces).strip() == UPDATE
