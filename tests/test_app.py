"""The page, served for real by `coach serve`, answers /rewrite through gradio_client."""

from __future__ import annotations

from pathlib import Path

import pytest
from gradio_client import Client

from coach import Coach
from tests.servers import coach_server

UPDATE = "Held 4 standups and a retro. Migrated the board from ZenHub to GitHub Projects."


def test_handlers_are_plain_functions(coach: Coach) -> None:
    from coach.app import handle_rewrite

    text, spans, cites, raw = handle_rewrite(coach, UPDATE)
    assert "ZenHub" in text and raw["facts"]["ok"]
    assert any(cat == "ceremony" for _, cat in spans)
    assert "[1]" in cites


def test_handler_turns_bad_input_into_a_page_error(coach: Coach) -> None:
    import gradio as gr

    from coach.app import handle_rewrite

    with pytest.raises(gr.Error):
        handle_rewrite(coach, "   ")


@pytest.mark.slow
def test_served_page_answers_rewrite(indexed_home: Path) -> None:
    with coach_server(indexed_home, {"COACH_ENGINE": "offline"}) as url:
        client = Client(url, verbose=False)
        text, _spans, _cites, raw = client.predict(
            UPDATE, "executive", "standard", api_name="/rewrite"
        )
        assert "GitHub Projects" in text
        assert raw["engine"] == "offline" and raw["facts"]["ok"]
        assert "Why it matters" in text
