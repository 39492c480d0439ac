"""LangChain and the openai client: the only module that imports them.

Gives coach's MiniLM as a LangChain `Embeddings`, and builds the chat model from settings.
"""

from __future__ import annotations

from typing import Any

from langchain_core.embeddings import Embeddings
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI

from coach.embeddings import get_embedder
from coach.errors import ConfigError
from coach.settings import Settings


class CoachEmbeddings(Embeddings):
    """all-MiniLM-L6-v2 (torch-free) for LangChain vector stores and chains."""

    def __init__(self, cache_dir: str | None = None) -> None:
        self.cache_dir = cache_dir

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return get_embedder(self.cache_dir).embed(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return get_embedder(self.cache_dir).embed_one(text).tolist()


def chat_model(settings: Settings, timeout: float | None = None, **kwargs: Any) -> ChatOpenAI:
    """A ChatOpenAI for any OpenAI-compatible server; one retry layer (the openai client's)."""
    if not settings.llm_configured:
        raise ConfigError("No model server configured: set OPENAI_API_KEY or OPENAI_BASE_URL.")
    return ChatOpenAI(
        model=settings.model,
        api_key=settings.openai_api_key or "not-needed",  # local servers accept any key
        base_url=settings.openai_base_url,
        timeout=timeout or settings.timeout,
        max_retries=settings.max_retries,
        temperature=settings.temperature,
        **kwargs,
    )


def messages(system: str, user: str) -> list[BaseMessage]:
    return [SystemMessage(content=system), HumanMessage(content=user)]


def invoke(model: ChatOpenAI, msgs: list[BaseMessage]) -> str:
    """Call the model; turn the openai client's failures into coach's ModelError family."""
    import openai

    from coach.errors import ModelAuthError, ModelError

    try:
        reply = model.invoke(msgs)
    except openai.AuthenticationError as exc:
        raise ModelAuthError(
            "The model server rejected the API key (401): check OPENAI_API_KEY.",
            status=401,
            body=str(exc.body),
        ) from None
    except openai.RateLimitError as exc:
        body = exc.body if isinstance(exc.body, dict) else {}
        if "insufficient_quota" in str(body) or "insufficient_quota" in str(exc):
            raise ModelAuthError(
                "The model account has no quota left (insufficient_quota): add credit or "
                "use another key.",
                status=429,
                body=str(exc.body),
            ) from None
        raise ModelError(
            "The model server kept answering 429 (rate limited).", 429, str(exc.body)
        ) from None
    except openai.APIStatusError as exc:
        raise ModelError(
            f"The model server answered HTTP {exc.status_code}.", exc.status_code, str(exc.body)
        ) from None
    except openai.APITimeoutError:
        raise ModelError("The model server did not answer in time.") from None
    except openai.APIConnectionError as exc:
        raise ModelError(f"Cannot reach the model server: {exc}.") from None
    content = reply.content
    return content if isinstance(content, str) else str(content)
