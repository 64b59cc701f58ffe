"""Back-off, jitter bounds, Retry-After parsing and the give-up rules of the retry policy."""

from __future__ import annotations

import email.utils

import pytest

from fiedler_tui.core.providers.errors import ErrorCode, ProviderError
from fiedler_tui.core.providers.retry import RetryPolicy
from fiedler_tui.core.providers.retry_after import parse_duration, parse_retry_after


def error(retryable: bool = True, retry_after: float | None = None) -> ProviderError:
    return ProviderError(
        ErrorCode.RATE_LIMITED,
        "slow down",
        provider="p",
        retryable=retryable,
        retry_after_s=retry_after,
    )


@pytest.mark.parametrize("retries", range(8))
def test_backoff_is_exponential_capped_and_jitter_bounded(retries: int) -> None:
    policy = RetryPolicy()
    base = min(0.5 * 2**retries, 8.0)
    assert policy.backoff(retries, 0.0) == base
    assert policy.backoff(retries, 0.999999) == pytest.approx(base * 0.75, rel=1e-5)
    for step in range(10):
        assert 0.75 * base <= policy.backoff(retries, step / 10) <= base


def test_retry_after_is_honoured_up_to_the_cap() -> None:
    policy = RetryPolicy(max_retries=2, max_retry_after_s=60)
    decision = policy.decide(
        error(retry_after=12.5), retries_taken=0, output_started=False, rand=0.3
    )
    assert decision.retry and decision.delay_s == 12.5


def test_longer_than_the_cap_gives_up_with_rate_limited() -> None:
    policy = RetryPolicy(max_retries=2, max_retry_after_s=60)
    decision = policy.decide(
        error(retry_after=600), retries_taken=0, output_started=False, rand=0.3
    )
    assert not decision.retry
    assert decision.error.code is ErrorCode.RATE_LIMITED
    assert "600" in decision.error.message and "60" in decision.error.message


def test_no_retry_after_output_or_when_exhausted_or_permanent() -> None:
    policy = RetryPolicy(max_retries=2)
    assert not policy.decide(error(), retries_taken=0, output_started=True, rand=0).retry
    assert not policy.decide(error(), retries_taken=2, output_started=False, rand=0).retry
    assert not policy.decide(
        error(retryable=False), retries_taken=0, output_started=False, rand=0
    ).retry
    assert policy.decide(error(), retries_taken=1, output_started=False, rand=0).delay_s == 1.0


def test_parse_retry_after_headers() -> None:
    now = 1_700_000_000.0
    assert parse_retry_after({"retry-after-ms": "250", "retry-after": "9"}, now) == 0.25
    assert parse_retry_after({"retry-after": "7"}, now) == 7.0
    assert parse_retry_after({"retry-after": "1.5"}, now) == 1.5
    date = email.utils.formatdate(now + 30, usegmt=True)
    assert parse_retry_after({"retry-after": date}, now) == pytest.approx(30.0)
    past = email.utils.formatdate(now - 30, usegmt=True)
    assert parse_retry_after({"retry-after": past}, now) == 0.0
    assert parse_retry_after({"retry-after": "soon"}, now) is None
    assert parse_retry_after({"retry-after-ms": "nan"}, now) is None
    assert parse_retry_after({}, now) is None


def test_parse_protobuf_durations() -> None:
    assert parse_duration("38s") == 38.0
    assert parse_duration("57.238747106s") == pytest.approx(57.238747106)
    assert parse_duration("38") is None
