"""Client-side rate limit: requests and tokens per minute, as two token buckets.

Pacing requests before they are sent costs far less than letting the server answer 429 and
retrying; the openai client's own retries remain as the safety net.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Bucket:
    """`rate` units per minute, bursting up to one second's worth (at least one unit)."""

    def __init__(self, per_minute: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.capacity = max(1.0, self.rate)
        self.level = self.capacity
        self.clock = clock
        self.stamp = clock()

    def wait_time(self, amount: float) -> float:
        """Seconds until `amount` units are available (0 if now); refills first."""
        now = self.clock()
        self.level = min(self.capacity, self.level + (now - self.stamp) * self.rate)
        self.stamp = now
        need = min(amount, self.capacity) - self.level  # a huge request waits for a full bucket
        return max(0.0, need / self.rate)

    def take(self, amount: float) -> None:
        self.level -= amount


class RateLimiter:
    """Block until one request of `tokens` estimated tokens fits both limits (0 = no limit)."""

    def __init__(
        self, rpm: float = 0, tpm: float = 0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.requests = Bucket(rpm, clock) if rpm > 0 else None
        self.tokens = Bucket(tpm, clock) if tpm > 0 else None
        self._lock = threading.Lock()
        self.waited = 0.0  # total seconds spent waiting, for the summary

    @property
    def active(self) -> bool:
        return self.requests is not None or self.tokens is not None

    def acquire(self, tokens: int = 1, sleep: Callable[[float], None] = time.sleep) -> None:
        with self._lock:
            while True:
                delay = max(
                    self.requests.wait_time(1) if self.requests else 0.0,
                    self.tokens.wait_time(tokens) if self.tokens else 0.0,
                )
                if delay <= 0:
                    break
                self.waited += delay
                sleep(delay)
            if self.requests:
                self.requests.take(1)
            if self.tokens:
                self.tokens.take(tokens)


def estimate_tokens(text: str, prompt_overhead: int = 700, reply_ratio: float = 1.5) -> int:
    """A tokenizer-free estimate (tiktoken downloads its tables): ~4 characters per token."""
    n = len(text) // 4 + 1
    return prompt_overhead + n + int(n * reply_ratio)
