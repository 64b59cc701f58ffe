"""Which tokens-per-minute limits a request must fit in: configured, else learned.

A limit configured in models.yaml (``tokens_per_minute``) wins; without one, the limits last
learned from the provider's headers for the key in use apply. A limit of OpenAI's style counts
the input plus the completion limit (``max_tokens`` is reserved against it when the request
arrives); Anthropic's input-tokens-per-minute limit counts input tokens only, so for a provider
of kind ``anthropic`` a configured ``tokens_per_minute`` is read the same way.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fiedler_tui.core.config.schema import Config, ProviderKind, ProviderSpec
from fiedler_tui.core.ratelimits.display import describe_age
from fiedler_tui.core.ratelimits.headers import ObservedLimits
from fiedler_tui.core.ratelimits.store import LearnedLimitsStore

LEARNED_MAX_AGE_S = 24 * 3600.0
"""A limit learned longer ago is not judged by the preflight (a tier may have changed since; the
next answer's headers bring the current one)."""


@dataclass(frozen=True)
class TokenLimit:
    """One tokens-per-minute limit a provider applies to each request."""

    tokens_per_minute: int
    input_only: bool
    """True: only input tokens count (Anthropic); False: input plus the completion limit."""
    source: str
    """Where the figure comes from, in words (``tokens_per_minute in models.yaml``)."""

    def charge(self, input_tokens: int, completion_reserve: int) -> int:
        """What one request costs against this limit."""
        return input_tokens if self.input_only else input_tokens + completion_reserve

    @property
    def unit(self) -> str:
        return "input tokens per minute" if self.input_only else "tokens per minute"


def provider_token_limits(
    provider: ProviderSpec, learned: ObservedLimits | None, now: float
) -> tuple[TokenLimit, ...]:
    """The limits a request to ``provider`` must fit in (none known: empty)."""
    if provider.tokens_per_minute:
        input_only = provider.kind is ProviderKind.ANTHROPIC
        return (
            TokenLimit(provider.tokens_per_minute, input_only, "tokens_per_minute in models.yaml"),
        )
    if learned is None or now - learned.seen_at > LEARNED_MAX_AGE_S:
        return ()
    source = (
        f"learned from {provider.name}'s headers {describe_age(now - learned.seen_at)}; "
        "tokens_per_minute in models.yaml overrides it"
    )
    found: list[TokenLimit] = []
    if learned.tokens_per_minute:
        found.append(TokenLimit(learned.tokens_per_minute, False, source))
    if learned.input_tokens_per_minute:
        found.append(TokenLimit(learned.input_tokens_per_minute, True, source))
    return tuple(found)


def token_limits(
    config: Config,
    keys: Mapping[str, str | None] | None = None,
    store: LearnedLimitsStore | None = None,
    *,
    now: float | None = None,
) -> dict[str, tuple[TokenLimit, ...]]:
    """Provider name -> its tokens-per-minute limits, for the dry run's preflight.

    ``keys``: provider -> the key a send would use (its learned limits apply; None or absent:
    the latest learned for any key). ``store``: the learned limits, loaded here when not yet
    (blocking: call from a thread in the app); default: the user state folder's."""
    if store is None:
        store = LearnedLimitsStore.default()
    if not store.loaded:
        store.load()
    moment = time.time() if now is None else now
    found: dict[str, tuple[TokenLimit, ...]] = {}
    for name, provider in config.providers.items():
        key = keys.get(name) if keys is not None else None
        limits = provider_token_limits(provider, store.latest(name, key), moment)
        if limits:
            found[name] = limits
    return found


def first_exceeded(
    limits: Sequence[TokenLimit], input_tokens: int, completion_reserve: int
) -> tuple[TokenLimit, int] | None:
    """The first of ``limits`` one request of this size exceeds, with its charge; None: fits."""
    for limit in limits:
        charge = limit.charge(input_tokens, completion_reserve)
        if charge > limit.tokens_per_minute:
            return limit, charge
    return None
