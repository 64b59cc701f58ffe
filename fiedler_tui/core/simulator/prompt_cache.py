"""The simulator's prompt cache: cached input tokens reported as the real providers do.

- Automatic prefix caching (OpenAI, Gemini): a request's cached tokens are those of the longest
  prefix its prompt text shares with an earlier prompt sent to the same model.
- Explicit breakpoints (Anthropic ``cache_control``): the prompt up to the marked block is read
  from the cache when the same model saw that exact prefix before, else written to it.

Either way nothing shorter than ``CACHE_MIN_TOKENS`` is cached, as with the providers.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from fiedler_tui.core.simulator.script import count_tokens

CACHE_MIN_TOKENS = 1024
"""The smallest cacheable prefix (OpenAI's and most Anthropic models' minimum)."""
REMEMBERED_PROMPTS = 32
"""Earlier prompts remembered per model for automatic caching."""


@dataclass(frozen=True)
class CacheUse:
    """Input tokens read from and written to the cache for one request."""

    read: int = 0
    written: int = 0


class PromptCache:
    """What one simulator has cached, per model."""

    def __init__(self) -> None:
        self._prompts: dict[str, deque[str]] = {}
        self._prefixes: dict[str, set[str]] = {}

    def automatic(self, model: str, text: str) -> CacheUse:
        """Cached tokens of ``text``'s longest prefix shared with an earlier prompt of ``model``."""
        earlier = self._prompts.setdefault(model, deque(maxlen=REMEMBERED_PROMPTS))
        shared = max((shared_prefix_length(text, seen) for seen in earlier), default=0)
        earlier.append(text)
        tokens = count_tokens(text[:shared]) if shared else 0
        return CacheUse(read=tokens if tokens >= CACHE_MIN_TOKENS else 0)

    def marked(self, model: str, prefix: str | None) -> CacheUse:
        """Read when ``model`` saw this marked ``prefix`` before, else written (None: unmarked)."""
        if prefix is None:
            return CacheUse()
        tokens = count_tokens(prefix)
        if tokens < CACHE_MIN_TOKENS:
            return CacheUse()
        seen = self._prefixes.setdefault(model, set())
        if prefix in seen:
            return CacheUse(read=tokens)
        seen.add(prefix)
        return CacheUse(written=tokens)

    def clear(self) -> None:
        self._prompts.clear()
        self._prefixes.clear()


def shared_prefix_length(a: str, b: str) -> int:
    """Length of the longest common prefix of ``a`` and ``b`` (binary search on slices)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low
