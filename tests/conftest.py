"""Shared fixtures: a throwaway COACH_HOME, an indexed sample corpus, and a switch that
forbids real model requests (no OPENAI_* from the developer's shell leaks into a test)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["ANONYMIZED_TELEMETRY"] = "False"
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"


@pytest.fixture(autouse=True)
def _no_real_models(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Tests never talk to a real model: model settings come only from the test itself."""
    for var in (
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "OPENAI_ORG_ID",
        "COACH_CHROMA_URL",
        "COACH_ENGINE",
        "COACH_MODEL",
        "COACH_COLLECTION",
        "COACH_AUTH",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("COACH_HOME", str(tmp_path_factory.getbasetemp() / "default-home"))


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One ONNX cache for the whole session, so the graph is built once."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def indexed_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A COACH_HOME with the sample corpus indexed in the default collection (built once)."""
    from coach import Coach

    home = tmp_path_factory.mktemp("home")
    Coach(home=home, engine="offline").ingest([CORPUS])
    return home


@pytest.fixture
def coach(indexed_home: Path) -> Iterator[object]:
    from coach import Coach

    yield Coach(home=indexed_home, engine="offline")


@pytest.fixture
def lead_cap() -> Iterator[None]:
    """The lead's lean test on, with a 40-word block (a fold line), whatever ships
    (coach.engines.lead.use_cap); off again after the test."""
    from coach.engines import lead

    lead.use_cap(40)
    yield
    lead.use_cap(None, active=False)


@pytest.fixture
def fake_llm() -> Iterator[object]:
    """A real OpenAI-compatible server on loopback (tests/fake_openai.py): `.base_url`,
    `.script(...)`, `.requests`, `.settings()` for Coach kwargs, `.env()` for subprocesses."""
    from tests.fake_openai import FakeOpenAI

    with FakeOpenAI() as server:
        yield server


@pytest.fixture(scope="session")
def smollm2() -> Iterator[object]:
    """A REAL llama.cpp server with SmolLM2-135M on loopback, one for the whole session
    (tests/real_llm.py; installed by `make setup`)."""
    from tests.real_llm import llama_server

    with llama_server() as server:
        yield server


EvalReal = Callable[..., "subprocess.CompletedProcess[str]"]


@pytest.fixture
def eval_real() -> EvalReal:
    """`coach eval real --data DIR [ARGS]` in a child process, as a user runs it: the exit code,
    stdout and stderr are what the tests read. With `out`, the report goes there, quietly."""

    def run(
        data: Path, *args: str, out: Path | None = None, timeout: float = 600
    ) -> subprocess.CompletedProcess[str]:
        report = ["--out", str(out), "--quiet"] if out is not None else []
        cmd = [sys.executable, "-m", "coach.cli", "eval", "real", "--data", str(data)]
        return subprocess.run(
            [*cmd, *report, *args], capture_output=True, text=True, timeout=timeout
        )

    return run
