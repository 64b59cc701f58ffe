"""Learned limits in words: ``learned 3 min ago: 30,000 tokens/min, 500 requests/min``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from fiedler_tui.core.ratelimits.headers import ObservedLimits

if TYPE_CHECKING:
    from fiedler_tui.core.config.schema import Config, ProviderSpec
    from fiedler_tui.core.ratelimits.store import LearnedLimitsStore


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


def provider_limits_text(
    provider: ProviderSpec, learned: ObservedLimits | None, now: float
) -> str | None:
    """What is known of ``provider``'s limits, configured then learned, e.g. ``configured:
    100 tokens/min; learned 3 min ago: 30,000 tokens/min, 500 requests/min``; None: nothing."""
    parts: list[str] = []
    configured = ObservedLimits(
        requests_per_minute=provider.requests_per_minute,
        tokens_per_minute=provider.tokens_per_minute,
    )
    if any(value is not None for value in configured.limits):
        parts.append(f"configured: {describe_limits(configured)}")
    if learned is not None and any(value is not None for value in learned.limits):
        parts.append(describe_learned(learned, now))
    return "; ".join(parts) or None


def known_limits(
    config: Config, store: LearnedLimitsStore, keys: Mapping[str, str | None], now: float
) -> list[tuple[str, str]]:
    """(provider, :func:`provider_limits_text`) for each provider with limits known; a learned
    record is the one of the provider's key in ``keys`` (absent or None: the latest of any)."""
    found: list[tuple[str, str]] = []
    for name, provider in config.providers.items():
        text = provider_limits_text(provider, store.latest(name, keys.get(name)), now)
        if text is not None:
            found.append((name, text))
    return found
