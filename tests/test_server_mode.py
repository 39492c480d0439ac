"""Server mode for real: start `chroma run` on loopback and run the retrieval tests against it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from coach import Coach
from coach.errors import StoreError
from tests.conftest import CORPUS
from tests.servers import free_port, served_process
from tests.test_retrieval import (  # noqa: F401  (collected again, against the server)
    make_home,
    test_alignment_flags_unmapped_work,
    test_empty_collection_gives_no_passages,
    test_lexical_evidence_counts,
    test_retrieve_k_and_pillars,
    test_retrieve_returns_cited_passages,
    test_rewrite_carries_alignment,
)

pytestmark = pytest.mark.server
CHROMA = Path(sys.executable).parent / "chroma"


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    cmd = [str(CHROMA), "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)]
    env = {"ANONYMIZED_TELEMETRY": "False", "PATH": "/usr/bin:/bin"}
    with served_process(
        cmd, f"http://127.0.0.1:{port}", "/api/v2/heartbeat", env, timeout=30
    ) as url:
        yield url


@pytest.fixture(scope="module")
def rcoach(
    chroma_url: str, tmp_path_factory: pytest.TempPathFactory, models_dir: Path
) -> Iterator[Coach]:
    home = make_home(tmp_path_factory.mktemp("server-home"), models_dir)
    c = Coach(home=home, engine="offline", chroma_url=chroma_url)
    c.ingest([CORPUS])
    yield c


def test_the_store_is_the_server(rcoach: Coach, chroma_url: str) -> None:
    assert rcoach.store.location == chroma_url
    assert not (rcoach.settings.home / "chroma").exists()  # nothing written locally
    again = rcoach.ingest([CORPUS])
    assert again["added"] == 0 and again["skipped_files"] == again["files"]


def test_env_var_selects_server(
    chroma_url: str, rcoach: Coach, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACH_CHROMA_URL", chroma_url)
    c = Coach(home=rcoach.settings.home, engine="offline")
    assert c.retrieve("heat pumps and carbon", k=1)[0].pillar == "estate"


def test_unreachable_server_is_one_clear_error(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(StoreError, match="Cannot reach the Chroma server"):
        Coach(home=tmp_path, chroma_url=url).retrieve("anything")
