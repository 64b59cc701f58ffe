"""The typed events a fan-out run emits, each tagged with the model alias it concerns.

Per model the order is ``Queued``, then ``Started`` (once per attempt, with ``Retrying`` between
attempts), ``FirstToken``, ``TextDelta``/``ThinkingDelta``/``Usage`` as they arrive, and exactly one
terminal event:
``Finished``, ``Failed`` or ``Cancelled``.
"""

from __future__ import annotations

from dataclasses import dataclass

from fiedler_tui.core.providers.base import FinishReason
from fiedler_tui.core.providers.errors import ErrorInfo


@dataclass(frozen=True, kw_only=True, slots=True)
class TokenCounts:
    """Token usage as the provider reported it (cumulative for the whole response).

    ``input_tokens`` counts every input token, cached ones included; ``cached_input_tokens`` and
    ``cache_write_tokens`` are the parts read from and written to the provider's prompt cache.
    When the provider's final usage never came (a cancelled or failed stream, a server that
    reports none), ``output_tokens`` is estimated from the text received and
    ``output_estimated`` is True.
    """

    input_tokens: int | None = None
    output_tokens: int | None = None
    cached_input_tokens: int | None = None
    cache_write_tokens: int | None = None
    output_estimated: bool = False
    reasoning_tokens: int | None = None
    """The part of ``output_tokens`` spent thinking, where the provider reports it (OpenAI,
    Gemini; Anthropic counts thinking in ``output_tokens`` without saying how much)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Timings:
    """Per-model timings in seconds, measured on the runner's monotonic clock."""

    queued_s: float
    """From the run's start until the first request could be sent (waiting for a slot)."""
    ttft_s: float | None
    """From the first request until the first text arrived (retries included)."""
    total_s: float
    """From the run's start until this model ended."""
    output_tokens_per_s: float | None
    """Reported output tokens divided by the time from first to last token; None without
    reported usage or when that time is under ``timings.MIN_RATE_SPAN_S`` (too short to say)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Queued:
    model: str
    provider: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Started:
    model: str
    attempt: int
    """1 for the first request, 2 for the first retry, and so on."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Retrying:
    model: str
    attempt: int
    """The attempt that will start after the delay."""
    delay_s: float
    reason: str
    error: ErrorInfo
    """The failure being retried; its ``retry_count`` is this retry's number (1 for the first),
    always ``attempt - 1``."""


@dataclass(frozen=True, kw_only=True, slots=True)
class FirstToken:
    model: str
    ttft_s: float


@dataclass(frozen=True, kw_only=True, slots=True)
class TextDelta:
    model: str
    text: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ThinkingDelta:
    """Reasoning text, streamed apart from the answer (Anthropic thinking, Gemini thought
    summaries, ``reasoning_content`` of OpenAI-compatible servers)."""

    model: str
    text: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Usage:
    model: str
    input_tokens: int | None
    output_tokens: int | None
    cached_input_tokens: int | None = None
    cache_write_tokens: int | None = None
    reasoning_tokens: int | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Finished:
    model: str
    finish_reason: FinishReason
    raw_finish_reason: str | None
    text: str
    usage: TokenCounts
    timings: Timings
    retry_count: int
    thinking: str = ""
    """The whole reasoning text streamed apart from the answer."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Failed:
    model: str
    error: ErrorInfo
    partial_text: str
    """Whatever text arrived before the failure (kept, never retried over)."""
    usage: TokenCounts
    timings: Timings
    thinking: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class Cancelled:
    model: str
    partial_text: str
    timings: Timings
    usage: TokenCounts = TokenCounts()
    thinking: str = ""


RunEvent = (
    Queued
    | Started
    | Retrying
    | FirstToken
    | TextDelta
    | ThinkingDelta
    | Usage
    | Finished
    | Failed
    | Cancelled
)
TerminalEvent = Finished | Failed | Cancelled
TERMINAL_EVENTS = (Finished, Failed, Cancelled)
