"""Simulated rate limits: the headers OpenAI and Anthropic send, and their "too large" 429.

A model whose script sets ``tokens_per_minute`` (and/or ``requests_per_minute``) answers with
the rate-limit headers of its dialect, the remaining figures going down with each request within
a minute's window (PROVIDERS.md §2.4, §3.4). A request larger than the whole token limit gets the
provider's refusal: OpenAI's "Request too large ... Limit X, Requested Y" (§2.4) counting input
plus the completion limit, Anthropic's "would exceed your organization's rate limit of X input
tokens per minute" counting input only. Gemini sends no such headers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fiedler_tui.core.simulator.wire import ErrorReply, dumps, random_id

WINDOW_S = 60.0
OUTPUT_SHARE = 5
"""Anthropic's output-token limit is shown as a fifth of the input limit (as in the capture)."""


@dataclass
class _Window:
    started: float
    tokens: int = 0
    requests: int = 0


class RateMeter:
    """Tokens and requests used per model in the current minute."""

    def __init__(self) -> None:
        self._windows: dict[str, _Window] = {}

    def clear(self) -> None:
        self._windows.clear()

    def use(self, key: str, tokens: int, now: float) -> _Window:
        window = self._windows.get(key)
        if window is None or now - window.started >= WINDOW_S:
            window = self._windows[key] = _Window(started=now)
        window.tokens += tokens
        window.requests += 1
        return window


def completion_limit(body: Any) -> int:
    """The completion limit a request asked for (0 when it names none)."""
    if not isinstance(body, dict):
        return 0
    for name in ("max_completion_tokens", "max_tokens"):
        value = body.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return 0


def charge(dialect: str, input_tokens: int, body: Any) -> int:
    """What the request costs against the token limit: Anthropic counts input tokens only."""
    if dialect == "anthropic":
        return input_tokens
    return input_tokens + completion_limit(body)


def limit_headers(
    dialect: str,
    *,
    tokens_per_minute: int | None,
    requests_per_minute: int | None,
    window: _Window,
    now: float,
) -> tuple[tuple[str, str], ...]:
    """The dialect's rate-limit headers after ``window``'s use."""
    left = max(0.0, window.started + WINDOW_S - now)
    headers: list[tuple[str, str]] = []
    if dialect == "anthropic":
        reset = datetime.fromtimestamp(time.time() + left, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if requests_per_minute:
            remaining = max(0, requests_per_minute - window.requests)
            headers += [
                ("anthropic-ratelimit-requests-limit", str(requests_per_minute)),
                ("anthropic-ratelimit-requests-remaining", str(remaining)),
                ("anthropic-ratelimit-requests-reset", reset),
            ]
        if tokens_per_minute:
            remaining = max(0, tokens_per_minute - window.tokens)
            output = max(1, tokens_per_minute // OUTPUT_SHARE)
            headers += [
                ("anthropic-ratelimit-input-tokens-limit", str(tokens_per_minute)),
                ("anthropic-ratelimit-input-tokens-remaining", str(remaining)),
                ("anthropic-ratelimit-input-tokens-reset", reset),
                ("anthropic-ratelimit-output-tokens-limit", str(output)),
                ("anthropic-ratelimit-output-tokens-remaining", str(output)),
                ("anthropic-ratelimit-output-tokens-reset", reset),
                ("anthropic-ratelimit-tokens-limit", str(tokens_per_minute + output)),
                ("anthropic-ratelimit-tokens-remaining", str(remaining + output)),
                ("anthropic-ratelimit-tokens-reset", reset),
            ]
        return tuple(headers)
    reset = _go_duration(left)
    if requests_per_minute:
        headers += [
            ("x-ratelimit-limit-requests", str(requests_per_minute)),
            ("x-ratelimit-remaining-requests", str(max(0, requests_per_minute - window.requests))),
            ("x-ratelimit-reset-requests", reset),
        ]
    if tokens_per_minute:
        headers += [
            ("x-ratelimit-limit-tokens", str(tokens_per_minute)),
            ("x-ratelimit-remaining-tokens", str(max(0, tokens_per_minute - window.tokens))),
            ("x-ratelimit-reset-tokens", reset),
        ]
    return tuple(headers)


def too_large(
    dialect: str, model: str, limit: int, requested: int, headers: tuple[tuple[str, str], ...]
) -> ErrorReply:
    """The provider's 429 for a request larger than the whole per-minute token limit."""
    if dialect == "anthropic":
        message = (
            f"This request would exceed your organization's rate limit of {limit:,} input tokens "
            f"per minute (org: sim-org, model: {model}). For details, refer to: "
            "https://docs.claude.com/en/api/rate-limits. You can see the response headers for "
            "current usage. Please reduce the prompt length or the maximum tokens requested, or "
            "try again later."
        )
        body = {"type": "error", "error": {"type": "rate_limit_error", "message": message}}
        return ErrorReply(
            status=429,
            body=dumps(body).encode(),
            headers=(("request-id", "req_" + random_id(24)), *headers),
        )
    message = (
        f"Request too large for {model} in organization org-simulator on tokens per min (TPM): "
        f"Limit {limit}, Requested {requested}. The input or output tokens must be reduced in "
        "order to run successfully. Visit https://platform.openai.com/account/rate-limits to "
        "learn more."
    )
    error = {"message": message, "type": "tokens", "param": None, "code": "rate_limit_exceeded"}
    return ErrorReply(
        status=429,
        body=dumps({"error": error}).encode(),
        headers=(("x-request-id", "req_" + random_id(32)), *headers),
    )


def _go_duration(seconds: float) -> str:
    """Go's duration style, as OpenAI sends resets: ``6m0s``, ``12s``, ``250ms``."""
    if seconds < 1:
        return f"{int(seconds * 1000)}ms"
    whole = int(seconds)
    minutes, rest = divmod(whole, 60)
    return f"{minutes}m{rest}s" if minutes else f"{rest}s"
