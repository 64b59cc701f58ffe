"""One model's state in a run, derived from its events in one place.

The recorder (what ``summary.json`` says), the Run screen's panes and the MCP progress all
follow a model through the same :class:`ModelState`: ``apply(event)`` moves it from
``queued`` to ``requesting`` (a request is on its way, attempt N), ``retrying`` (waiting before
the next attempt), ``streaming`` (text arrives), and ends it ``done``, ``failed`` or
``cancelled``. Each front end words the state its own way (the summary keeps ``running`` for a
request on its way) but none decides it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from fiedler_tui.core.providers.errors import ErrorInfo
from fiedler_tui.core.runner.events import (
    Cancelled,
    Failed,
    Finished,
    FirstToken,
    Queued,
    Retrying,
    RunEvent,
    Started,
    TextDelta,
    Timings,
    TokenCounts,
    Usage,
)


class ModelStatus(StrEnum):
    QUEUED = "queued"
    REQUESTING = "requesting"
    RETRYING = "retrying"
    STREAMING = "streaming"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


TERMINAL = frozenset({ModelStatus.DONE, ModelStatus.FAILED, ModelStatus.CANCELLED})


@dataclass
class ModelState:
    """What one model's events so far say about it (times are the runner's own figures)."""

    alias: str
    status: ModelStatus = ModelStatus.QUEUED
    provider: str = ""
    attempt: int = 0
    """The request on its way or last made: 1 for the first, 2 for the first retry…"""
    retries: int = 0
    """Retries made (the terminal event's count when it says more)."""
    retry_delay_s: float | None = None
    """While ``retrying``: the wait before the next attempt."""
    retry_reason: str = ""
    ttft_s: float | None = None
    chars: int = 0
    """Characters of answer text received."""
    output_tokens: int | None = None
    """Output tokens as the provider reported them (cumulative), never an estimate."""
    final_usage: TokenCounts | None = None
    """The terminal event's usage (its ``output_tokens`` may be the runner's estimate)."""
    total_s: float | None = None
    """Once ended: the runner's total time."""
    tokens_per_s: float | None = None
    """Once ended: the runner's output rate (None when the text came over too short a time)."""
    error: ErrorInfo | None = None

    @property
    def ended(self) -> bool:
        return self.status in TERMINAL

    def apply(self, event: RunEvent) -> bool:
        """Take ``event`` into account; True when the state changed in a way worth showing (every
        event but thinking text and an empty usage update)."""
        match event:
            case Queued(provider=provider):
                self.status, self.provider = ModelStatus.QUEUED, provider
            case Started(attempt=attempt):
                self.status, self.attempt = ModelStatus.REQUESTING, attempt
                self.retry_delay_s = None
            case Retrying(delay_s=delay, reason=reason):
                self.status = ModelStatus.RETRYING
                self.retries += 1
                self.retry_delay_s, self.retry_reason = delay, reason
            case FirstToken(ttft_s=ttft):
                self.status, self.ttft_s = ModelStatus.STREAMING, ttft
            case TextDelta(text=text):
                if not self.ended:
                    self.status = ModelStatus.STREAMING
                self.chars += len(text)
            case Usage(output_tokens=tokens):
                if tokens is None:
                    return False
                self.output_tokens = tokens
            case Finished(usage=usage, timings=timings, retry_count=retries):
                self._end(ModelStatus.DONE, retries, timings, usage)
            case Failed(error=error, usage=usage, timings=timings):
                self._end(ModelStatus.FAILED, error.retry_count, timings, usage)
                self.error = error
            case Cancelled(usage=usage, timings=timings):
                self._end(ModelStatus.CANCELLED, 0, timings, usage)
            case _:
                return False
        return True

    def _end(self, status: ModelStatus, retries: int, timings: Timings, usage: TokenCounts) -> None:
        self.status = status
        self.retries = max(self.retries, retries)
        self.retry_delay_s = None
        if timings.ttft_s is not None:
            self.ttft_s = timings.ttft_s
        self.total_s, self.tokens_per_s = timings.total_s, timings.output_tokens_per_s
        self.final_usage = usage
        if usage.output_tokens is not None and not usage.output_estimated:
            self.output_tokens = usage.output_tokens

    def end_unfinished(self, status: ModelStatus) -> None:
        """End a model whose run stopped before its terminal event (``cancelled``/``failed``)."""
        if not self.ended:
            self.status = status
            self.retry_delay_s = None
