"""A per-model stopwatch that turns clock readings into :class:`Timings`."""

from __future__ import annotations

from collections.abc import Callable

from fiedler_tui.core.runner.events import Timings


class Stopwatch:
    """Marks the moments of one model run on an injectable monotonic clock."""

    def __init__(self, clock: Callable[[], float], submitted_at: float) -> None:
        self._clock = clock
        self.submitted_at = submitted_at
        self.started_at: float | None = None
        self.first_token_at: float | None = None
        self.last_token_at: float | None = None

    def now(self) -> float:
        return self._clock()

    def mark_started(self) -> None:
        if self.started_at is None:
            self.started_at = self._clock()

    def mark_token(self) -> float | None:
        """Record a text arrival; returns the TTFT on the first one, else None."""
        now = self._clock()
        self.last_token_at = now
        if self.first_token_at is not None:
            return None
        self.first_token_at = now
        return now - (self.started_at if self.started_at is not None else self.submitted_at)

    def timings(self, output_tokens: int | None) -> Timings:
        ended = self._clock()
        started = self.started_at if self.started_at is not None else ended
        ttft = None if self.first_token_at is None else self.first_token_at - started
        rate = None
        if output_tokens and self.first_token_at is not None and self.last_token_at is not None:
            span = self.last_token_at - self.first_token_at
            rate = output_tokens / span if span > 0 else None
        return Timings(
            queued_s=started - self.submitted_at,
            ttft_s=ttft,
            total_s=ended - self.submitted_at,
            output_tokens_per_s=rate,
        )
