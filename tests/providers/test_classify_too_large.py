"""429s whose request alone exceeds the per-minute limit are request_too_large, never retried;
those that only need waiting stay rate_limited."""

from __future__ import annotations

import json

import pytest

from fiedler_tui.core.providers.classify import classify_response, too_large_for_stated_limit
from fiedler_tui.core.providers.errors import ErrorCode


def openai_body(message: str) -> bytes:
    error = {"message": message, "type": "tokens", "param": None, "code": "rate_limit_exceeded"}
    return json.dumps({"error": error}).encode()


def anthropic_body(message: str) -> bytes:
    return json.dumps(
        {"type": "error", "error": {"type": "rate_limit_error", "message": message}}
    ).encode()


@pytest.mark.parametrize(
    ("message", "code"),
    [
        (
            "Rate limit reached for gpt-4.1 in organization org-x on tokens per min (TPM): "
            "Limit 30000, Used 22343, Requested 10955. Please try again in 6.596s.",
            ErrorCode.RATE_LIMITED,
        ),
        (
            "Rate limit reached for gpt-4.1 in organization org-x on tokens per min (TPM): "
            "Limit 30000, Used 12, Requested 30955. Please try again in 6.596s.",
            ErrorCode.REQUEST_TOO_LARGE,
        ),
        (
            "Request too large for gpt-4o in organization org-x on tokens per min (TPM): "
            "Limit 30000, Requested 30601. The input or output tokens must be reduced.",
            ErrorCode.REQUEST_TOO_LARGE,
        ),
    ],
)
def test_openai_requested_above_the_limit_is_never_retried(message: str, code: ErrorCode) -> None:
    error = classify_response(
        provider="openai", status=429, headers={}, body=openai_body(message), now=0.0
    )
    assert error.code is code
    assert error.retryable is (code is ErrorCode.RATE_LIMITED)
    if code is ErrorCode.REQUEST_TOO_LARGE:
        assert error.message.endswith(
            "(it can never be accepted at this limit: send fewer files, choose another model or "
            "use a key on a higher rate-limit tier)"
        )


ANTHROPIC = (
    "This request would exceed your organization\u2019s rate limit of 30,000 input tokens per "
    "minute (org: x, model: claude-sonnet-4-5). For details, refer to: "
    "https://docs.claude.com/en/api/rate-limits."
)


def test_anthropic_input_limit_is_judged_against_the_request() -> None:
    error = classify_response(
        provider="anthropic", status=429, headers={}, body=anthropic_body(ANTHROPIC), now=0.0
    )
    assert error.code is ErrorCode.RATE_LIMITED and error.retryable
    # a request within the limit only has to wait: unchanged
    assert too_large_for_stated_limit(error, 29_000, 64_000) is error
    larger = too_large_for_stated_limit(error, 31_000, 64_000)
    assert larger.code is ErrorCode.REQUEST_TOO_LARGE and not larger.retryable
    assert "this request is about 31,000 input tokens, more than the whole limit of 30,000" in (
        larger.message
    )


def test_context_length_is_not_a_rate_limit() -> None:
    body = anthropic_body("prompt is too long: 200251 tokens > 200000 maximum").replace(
        b"rate_limit_error", b"invalid_request_error"
    )
    error = classify_response(provider="anthropic", status=400, headers={}, body=body, now=0.0)
    assert error.code is ErrorCode.CONTEXT_LENGTH_EXCEEDED
    assert too_large_for_stated_limit(error, 10**6, 0) is error
