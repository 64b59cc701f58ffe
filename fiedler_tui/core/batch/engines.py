"""Which provider kinds have a batch engine; the others run their part as ordinary requests."""

from __future__ import annotations

from fiedler_tui.core.batch.anthropic_batch import AnthropicBatches
from fiedler_tui.core.batch.engine import BatchEngine
from fiedler_tui.core.batch.gemini_batch import GeminiBatches
from fiedler_tui.core.batch.openai_batch import OpenAIBatches

BATCH_KINDS = frozenset({"openai", "anthropic", "gemini"})
DEFAULT_BATCH_DISCOUNT = 0.5
"""What the three batch engines bill, as a share of the live prices."""


def engine_for(kind: str, taken: set[str] | None = None) -> BatchEngine:
    """A fresh engine for ``kind`` (one of :data:`BATCH_KINDS`)."""
    if kind == "openai":
        return OpenAIBatches()
    if kind == "anthropic":
        return AnthropicBatches(taken)
    if kind == "gemini":
        return GeminiBatches()
    raise KeyError(kind)
