"""Rewrite engines behind one interface: offline (deterministic) and llm (any OpenAI-compatible)."""

from coach.engines.base import AUDIENCES, LENGTHS, Draft, Engine, Request

__all__ = ["AUDIENCES", "LENGTHS", "Draft", "Engine", "Request"]
