"""A per-model stopwatch that turns clock readings into :class:`Timings`."""

from __future__ import annotations

from collections.abc import Callable

from fiedler_tui.core.runner.events import Timings

MIN_RATE_SPAN_S = 0.25
"""Shortest time from the first text to the last over which output tokens/s is given.

Text arrives in network reads, and one read can carry many tokens: a short answer may come in
one read (no span at all) or in two a few microseconds apart (which made "97,581 tok/s"), so
over a short span the quotient measures how the network batched the stream, not the model, and
the same answer gave no figure or an absurd one by chance. Read batching and event-loop delays
move each timestamp by up to some tens of milliseconds: over a quarter of a second a 25 ms
shift changes the figure by about a tenth, a tolerable error, while at the speeds models stream
(tens to a few hundred tokens a second) any answer of more than a few dozen tokens lasts longer
than that. Below it there is no figure (shown as "–") rather than a wrong one.
"""


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
            rate = output_tokens / span if span >= MIN_RATE_SPAN_S else None
        return Timings(
            queued_s=started - self.submitted_at,
            ttft_s=ttft,
            total_s=ended - self.submitted_at,
            output_tokens_per_s=rate,
        )
