"""The retry policy: which failures to retry, and how long to wait first.

Shaped like openai-python's request loop: exponential backoff ``min(0.5·2ⁿ, 8)`` scaled by a
jitter factor in (0.75, 1.0], unless the server said how long to wait; a server that asks for
longer than ``max_retry_after_s`` is not retried at all (the model fails with ``rate_limited``).
"""

from __future__ import annotations

from dataclasses import dataclass

from fiedler_tui.core.providers.errors import ErrorCode, ProviderError

INITIAL_RETRY_DELAY_S = 0.5
MAX_RETRY_DELAY_S = 8.0
MAX_RETRY_AFTER_S = 60.0


@dataclass(frozen=True, kw_only=True)
class RetryDecision:
    """Retry after ``delay_s``, or give up with ``error`` (possibly reworded)."""

    retry: bool
    delay_s: float
    error: ProviderError


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """Retry limits; ``max_retries`` normally comes from the provider's ``max_retries``."""

    max_retries: int = 2
    initial_delay_s: float = INITIAL_RETRY_DELAY_S
    max_delay_s: float = MAX_RETRY_DELAY_S
    max_retry_after_s: float = MAX_RETRY_AFTER_S

    def backoff(self, retries_taken: int, rand: float) -> float:
        """Exponential backoff for the next retry; ``rand`` is uniform in [0, 1)."""
        exponent = min(retries_taken, 1000)
        base = min(self.initial_delay_s * 2.0**exponent, self.max_delay_s)
        return base * (1.0 - 0.25 * rand)

    def decide(
        self, error: ProviderError, *, retries_taken: int, output_started: bool, rand: float
    ) -> RetryDecision:
        """Whether to retry ``error`` after ``retries_taken`` retries, and after how long."""
        if output_started or not error.retryable or retries_taken >= self.max_retries:
            return RetryDecision(retry=False, delay_s=0.0, error=error)
        wait = error.retry_after_s
        if wait is not None and wait > self.max_retry_after_s:
            reworded = ProviderError(
                ErrorCode.RATE_LIMITED,
                f"the server asked to wait {wait:g} s before retrying, longer than the "
                f"{self.max_retry_after_s:g} s limit; try again later ({error.message})",
                provider=error.provider,
                http_status=error.http_status,
                request_id=error.request_id,
                retry_after_s=wait,
            )
            return RetryDecision(retry=False, delay_s=0.0, error=reworded)
        if wait is not None and wait > 0:
            return RetryDecision(retry=True, delay_s=wait, error=error)
        return RetryDecision(retry=True, delay_s=self.backoff(retries_taken, rand), error=error)
