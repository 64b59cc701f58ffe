"""Rate limits as the providers announce them in response headers (PROVIDERS.md §2.4, §3.4).

OpenAI (and xAI, Together when they send any): ``x-ratelimit-limit-requests``,
``x-ratelimit-limit-tokens`` and their ``x-ratelimit-remaining-*``; the token limit counts input
plus ``max_tokens``. Anthropic: ``anthropic-ratelimit-requests-limit``,
``anthropic-ratelimit-input-tokens-limit``, ``anthropic-ratelimit-output-tokens-limit`` and their
``-remaining``; its input limit counts input tokens only. Gemini sends none.

Parsing is a few dictionary look-ups per response; a response without these headers costs one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

_OPENAI = "x-ratelimit-limit-requests", "x-ratelimit-limit-tokens"
_ANTHROPIC = (
    "anthropic-ratelimit-requests-limit",
    "anthropic-ratelimit-input-tokens-limit",
    "anthropic-ratelimit-output-tokens-limit",
)


@dataclass(frozen=True, kw_only=True)
class ObservedLimits:
    """One response's rate-limit headers (per minute; None: not announced)."""

    requests_per_minute: int | None = None
    tokens_per_minute: int | None = None
    """A limit on input plus ``max_tokens`` (OpenAI's style)."""
    input_tokens_per_minute: int | None = None
    """A limit on input tokens only (Anthropic's)."""
    output_tokens_per_minute: int | None = None
    remaining_requests: int | None = None
    remaining_tokens: int | None = None
    """Of ``tokens_per_minute``, or of ``input_tokens_per_minute`` for Anthropic."""
    seen_at: float = 0.0
    """Unix time of the response."""

    @property
    def limits(self) -> tuple[int | None, ...]:
        """The announced limits alone (what pacing and the preflight use)."""
        return (
            self.requests_per_minute,
            self.tokens_per_minute,
            self.input_tokens_per_minute,
            self.output_tokens_per_minute,
        )

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_json(cls, data: Any) -> ObservedLimits | None:
        """The limits stored by :meth:`to_json`; None for anything malformed."""
        if not isinstance(data, dict):
            return None
        values: dict[str, Any] = {}
        for field in fields(cls):
            value = data.get(field.name)
            if value is None:
                continue
            if field.name == "seen_at":
                if not isinstance(value, int | float) or isinstance(value, bool):
                    return None
                values[field.name] = float(value)
            elif isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                values[field.name] = value
            else:
                return None
        return cls(**values)


def parse_limit_headers(headers: Mapping[str, str], now: float) -> ObservedLimits | None:
    """The limits announced by a response; ``headers`` must have lower-case names (an
    ``httpx.Headers`` is case-insensitive already). None when it announces none."""
    if _OPENAI[0] in headers or _OPENAI[1] in headers:
        found = ObservedLimits(
            requests_per_minute=_count(headers.get("x-ratelimit-limit-requests")),
            tokens_per_minute=_count(headers.get("x-ratelimit-limit-tokens")),
            remaining_requests=_count(headers.get("x-ratelimit-remaining-requests")),
            remaining_tokens=_count(headers.get("x-ratelimit-remaining-tokens")),
            seen_at=now,
        )
    elif any(name in headers for name in _ANTHROPIC):
        found = ObservedLimits(
            requests_per_minute=_count(headers.get("anthropic-ratelimit-requests-limit")),
            input_tokens_per_minute=_count(headers.get("anthropic-ratelimit-input-tokens-limit")),
            output_tokens_per_minute=_count(headers.get("anthropic-ratelimit-output-tokens-limit")),
            remaining_requests=_count(headers.get("anthropic-ratelimit-requests-remaining")),
            remaining_tokens=_count(headers.get("anthropic-ratelimit-input-tokens-remaining")),
            seen_at=now,
        )
    else:
        return None
    return found if any(value is not None for value in found.limits) else None


def _count(text: str | None) -> int | None:
    """A non-negative whole number, or None (absent, empty or garbled)."""
    if text is None:
        return None
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 15:
        return None
    return int(text)
