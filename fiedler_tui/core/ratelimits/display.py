"""Learned limits in words: ``learned 3 min ago: 30,000 tokens/min, 500 requests/min``."""

from __future__ import annotations

from fiedler_tui.core.ratelimits.headers import ObservedLimits


def describe_age(seconds: float) -> str:
    """``just now``, ``5 min ago``, ``2 h ago``, ``3 days ago``."""
    if seconds < 60:
        return "just now"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min ago"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h ago"
    return f"{hours // 24} days ago"


def describe_limits(limits: ObservedLimits) -> str:
    """The announced limits, largest unit first: ``30,000 tokens/min, 500 requests/min``."""
    parts: list[str] = []
    if limits.tokens_per_minute is not None:
        parts.append(f"{limits.tokens_per_minute:,} tokens/min")
    if limits.input_tokens_per_minute is not None:
        parts.append(f"{limits.input_tokens_per_minute:,} input tokens/min")
    if limits.output_tokens_per_minute is not None:
        parts.append(f"{limits.output_tokens_per_minute:,} output tokens/min")
    if limits.requests_per_minute is not None:
        parts.append(f"{limits.requests_per_minute:,} requests/min")
    return ", ".join(parts)


def describe_learned(limits: ObservedLimits, now: float) -> str:
    return f"learned {describe_age(now - limits.seen_at)}: {describe_limits(limits)}"
