"""Concurrency and rate limits: a global cap, a semaphore per provider, optional requests/minute.

Slots are held for one HTTP attempt, not across retry back-off, so a model waiting to retry
never blocks another. Acquisition order is always provider then global, so no two runs deadlock.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

from aiolimiter import AsyncLimiter

from fiedler_tui.core.config.schema import ProviderSpec

DEFAULT_GLOBAL_LIMIT = 16


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

    @asynccontextmanager
    async def slot(self, provider: str) -> AsyncIterator[None]:
        """Hold one request slot of ``provider`` (and of the global cap)."""
        async with self._providers[provider], self._global:
            rate = self._rates.get(provider)
            if rate is not None:
                await rate.acquire()
            yield
