"""How each model's input is counted: ``exact``, ``api`` or ``estimate``, and with what.

- ``exact``: the model's own tiktoken encoding (``tokenizer`` in models.yaml), loaded offline.
- ``api``: a provider count endpoint (Anthropic ``count_tokens``, Gemini ``countTokens``, a local
  server's ``/tokenize``); opt-in for hosted providers, supplied through :class:`ApiTokenCounter`
  (``tokens.api_count``). No network code lives here.
- ``estimate``: another encoding's count times ``estimate_factor``, with ``estimate_band`` as the
  error band; also what ``exact`` degrades to when its encoding file is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from fiedler_tui.core.config.schema import ModelSpec
from fiedler_tui.core.request import Conversation, ReviewRequest
from fiedler_tui.core.tokens.tokenizers import HEURISTIC_BAND

TOKENS_PER_MESSAGE = 3
"""Per-message framing (role and separators), as in OpenAI's cookbook for current chat models."""
REPLY_PRIMING = 3
"""Tokens that prime the assistant's reply (``<|start|>assistant<|message|>``)."""


def message_overhead(system: str) -> int:
    """Framing tokens around the system message (when non-empty) and the user message."""
    messages = 2 if system else 1
    return messages * TOKENS_PER_MESSAGE + REPLY_PRIMING


def conversation_overhead(conversation: Conversation) -> int:
    """Framing tokens around every message of ``conversation`` (system only when non-empty)."""
    messages = len(conversation.turns) + (1 if conversation.system else 0)
    return messages * TOKENS_PER_MESSAGE + REPLY_PRIMING


def conversation_text_tokens(count: Callable[[str], int], conversation: Conversation) -> int:
    """Tokens of every message's text as sent (``count`` counts one string), without framing."""
    total = count(conversation.system) if conversation.system else 0
    for index in range(len(conversation.turns)):
        total += sum(count(part) for part in conversation.parts(index))
    return total


class CountMethod(StrEnum):
    EXACT = "exact"
    API = "api"
    ESTIMATE = "estimate"


@dataclass(frozen=True)
class CountPlan:
    """How one model's tokens are counted."""

    method: CountMethod
    encoding: str
    factor: float
    band: tuple[float, float] | None
    """Range of the true count over the raw ``encoding`` count (None for exact counts)."""
    basis: str
    """Human description, e.g. ``o200k_base`` or ``o200k_base × 1.6 (band 1.2–2.0)``."""


def plan_for(model: ModelSpec, encoding_exact: bool) -> CountPlan:
    """The count plan for ``model``; ``encoding_exact`` says whether its encoding loaded."""
    if model.tokenizer is not None:
        if encoding_exact:
            return CountPlan(CountMethod.EXACT, model.tokenizer, 1.0, None, model.tokenizer)
        low, high = HEURISTIC_BAND
        basis = f"{model.tokenizer} unavailable: characters/4 (band {low:g}–{high:g})"
        return CountPlan(CountMethod.ESTIMATE, model.tokenizer, 1.0, HEURISTIC_BAND, basis)
    factor = model.estimate_factor
    band = model.estimate_band
    if not encoding_exact:
        low, high = band if band is not None else (factor, factor)
        band = (low * HEURISTIC_BAND[0], high * HEURISTIC_BAND[1])
    source = model.estimate_encoding if encoding_exact else f"{model.estimate_encoding} (chars/4)"
    basis = f"{source} × {factor:g}"
    if band is not None:
        basis += f" (band {band[0]:g}–{band[1]:g})"
    return CountPlan(CountMethod.ESTIMATE, model.estimate_encoding, factor, band, basis)


def encoding_of(model: ModelSpec) -> str:
    """The tiktoken encoding a model's count is based on."""
    return model.tokenizer or model.estimate_encoding


class ApiTokenCounter(Protocol):
    """Extension point for provider count endpoints (``api`` counts), implemented by
    :class:`fiedler_tui.core.tokens.api_count.ProviderCounter`."""

    def wants(self, model: ModelSpec) -> bool:
        """Whether ``model`` is counted by ``api`` (the caller builds the request, which carries
        the whole package text, only when a model is)."""
        ...

    def count_many(
        self, models: Sequence[ModelSpec], request: ReviewRequest
    ) -> Mapping[str, int | str]:
        """Model name -> input tokens of ``request`` as its provider counts them, or the reason
        the count failed (the caller falls back to the estimate); models left out are not
        counted by ``api``."""
        ...
