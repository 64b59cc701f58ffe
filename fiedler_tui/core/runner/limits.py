"""Concurrency and rate limits: a global cap, a semaphore per provider, optional requests and
tokens per minute.

Slots are held for one HTTP attempt, not across retry back-off, so a model waiting to retry
never blocks another. A request first waits on its provider's rate limiters, holding nothing, so
a provider held back by its own per-minute limit never keeps a global slot from the others; then
it takes its provider's slot, then a global one. That order (provider then global) is the same
for every request, so no two runs deadlock.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

from aiolimiter import AsyncLimiter

from fiedler_tui.core.config.schema import ProviderSpec
from fiedler_tui.core.request import ReviewRequest

DEFAULT_GLOBAL_LIMIT = 16
CHARS_PER_TOKEN = 4


def estimated_tokens(text: str) -> int:
    """A character-based token estimate (rounded up), for text no provider counted."""
    return -(-len(text) // CHARS_PER_TOKEN)


def request_token_estimate(request: ReviewRequest, completion_budget: int) -> int:
    """What a provider's tokens-per-minute limit charges for a request: a character-based input
    estimate plus the completion limit (providers reserve ``max_tokens`` against the limit)."""
    conversation = request.conversation
    chars = len(conversation.system) + sum(
        len(conversation.content(index)) for index in range(len(conversation.turns))
    )
    return chars // CHARS_PER_TOKEN + completion_budget


class Limits:
    """The shared limits of one runner."""

    def __init__(
        self, providers: Mapping[str, ProviderSpec], *, global_limit: int = DEFAULT_GLOBAL_LIMIT
    ) -> None:
        if global_limit < 1:
            raise ValueError("global_limit must be at least 1")
        self.global_limit = global_limit
        self._global = asyncio.Semaphore(global_limit)
        self._providers = {
            name: asyncio.Semaphore(spec.max_concurrency) for name, spec in providers.items()
        }
        self._rates = {
            name: AsyncLimiter(spec.requests_per_minute, 60.0)
            for name, spec in providers.items()
            if spec.requests_per_minute
        }
        self._token_rates = {
            name: AsyncLimiter(spec.tokens_per_minute, 60.0)
            for name, spec in providers.items()
            if spec.tokens_per_minute
        }

    @asynccontextmanager
    async def slot(self, provider: str, tokens: int = 0) -> AsyncIterator[None]:
        """Hold one request slot of ``provider`` (and of the global cap).

        The provider's requests-per-minute and tokens-per-minute limits are waited on first,
        before either slot is taken: a request held back by its provider's own limit occupies
        no slot meanwhile. Its charge is taken when the limit lets it go; it may then still wait
        for a slot, so it never goes out earlier than the limit allows.

        ``tokens`` is charged against the provider's tokens-per-minute limit, capped at the limit
        itself: a request larger than a whole minute's allowance still goes out once (and the
        provider says whether it is too large) instead of waiting forever.
        """
        rate = self._rates.get(provider)
        if rate is not None:
            await rate.acquire()
        token_rate = self._token_rates.get(provider)
        if token_rate is not None and tokens > 0:
            await token_rate.acquire(min(tokens, token_rate.max_rate))
        async with self._providers[provider], self._global:
            yield
