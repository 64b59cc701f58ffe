"""Concurrency and rate limits: a global cap, a semaphore per provider, optional requests and
tokens per minute (configured in models.yaml, else learned from the provider's headers: see
:meth:`Limits.learn`).

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

from fiedler_tui.core.config.schema import ProviderKind, ProviderSpec
from fiedler_tui.core.ratelimits.headers import ObservedLimits
from fiedler_tui.core.request import ReviewRequest

DEFAULT_GLOBAL_LIMIT = 16
CHARS_PER_TOKEN = 4


def estimated_tokens(text: str) -> int:
    """A character-based token estimate (rounded up), for text no provider counted."""
    return -(-len(text) // CHARS_PER_TOKEN)


def request_input_estimate(request: ReviewRequest) -> int:
    """A character-based estimate of a request's input tokens."""
    conversation = request.conversation
    chars = len(conversation.system) + sum(
        len(conversation.content(index)) for index in range(len(conversation.turns))
    )
    return chars // CHARS_PER_TOKEN


def request_token_estimate(request: ReviewRequest, completion_budget: int) -> int:
    """What an OpenAI-style tokens-per-minute limit charges for a request: a character-based
    input estimate plus the completion limit (providers reserve ``max_tokens`` against it)."""
    return request_input_estimate(request) + completion_budget


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
        self._specs = dict(providers)
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
        self._input_only = {
            name for name, spec in providers.items() if spec.kind is ProviderKind.ANTHROPIC
        }
        """Providers whose token limit counts input tokens only (Anthropic's)."""
        self.learned: dict[str, ObservedLimits] = {}
        """The learned limits each provider is paced by (where models.yaml sets none)."""

    def learn(self, provider: str, observed: ObservedLimits) -> None:
        """Pace ``provider`` by limits its headers announced, for each limit models.yaml leaves
        unset (a configured limit always wins). A changed figure replaces the limiter."""
        spec = self._specs.get(provider)
        if spec is None:
            return
        self.learned[provider] = observed
        requests = observed.requests_per_minute
        if not spec.requests_per_minute and requests:
            current = self._rates.get(provider)
            if current is None or current.max_rate != requests:
                self._rates[provider] = AsyncLimiter(requests, 60.0)
        if spec.tokens_per_minute:
            return
        tokens, input_only = observed.tokens_per_minute, False
        if not tokens and observed.input_tokens_per_minute:
            tokens, input_only = observed.input_tokens_per_minute, True
        if tokens:
            current = self._token_rates.get(provider)
            if current is None or current.max_rate != tokens:
                self._token_rates[provider] = AsyncLimiter(tokens, 60.0)
            if input_only:
                self._input_only.add(provider)
            else:
                self._input_only.discard(provider)

    @property
    def provider_names(self) -> list[str]:
        return list(self._specs)

    def token_limit(self, provider: str) -> float | None:
        """The tokens-per-minute limit ``provider`` is paced by (None: none)."""
        rate = self._token_rates.get(provider)
        return None if rate is None else rate.max_rate

    def requests_limit(self, provider: str) -> float | None:
        """The requests-per-minute limit ``provider`` is paced by (None: none)."""
        rate = self._rates.get(provider)
        return None if rate is None else rate.max_rate

    def token_charge(self, provider: str, input_tokens: int, completion_budget: int) -> int:
        """What a request costs against ``provider``'s token limit: input plus the completion
        limit, or input alone where only input counts; 0 when no token limit applies."""
        if provider not in self._token_rates:
            return 0
        if provider in self._input_only:
            return input_tokens
        return input_tokens + completion_budget

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
