"""Limits learned while running: read at the start, paced by, recorded from every response.

The learned-limits file is read once per runner, in a thread, before the first request; each
response's rate-limit headers update the pacing at once and the stored record, which is written
in a thread when it changed (or its age is over a minute); :meth:`LimitLearning.flush` waits
for the last write.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

from fiedler_tui.core.ratelimits.headers import parse_limit_headers
from fiedler_tui.core.ratelimits.store import LearnedLimitsStore
from fiedler_tui.core.runner.limits import Limits

log = logging.getLogger(__name__)


class LimitLearning:
    """Connects a runner's :class:`Limits` to a :class:`LearnedLimitsStore`."""

    def __init__(
        self,
        store: LearnedLimitsStore | None,
        limits: Limits,
        keys: Mapping[str, str | None],
    ) -> None:
        """``store`` None: limits are learned for this runner's pacing only, never stored."""
        self.store = store
        self.limits = limits
        self._keys = dict(keys)
        self._ready = False
        self._ready_lock = asyncio.Lock()
        self._saving: asyncio.Task[None] | None = None
        self._dirty = False

    async def ready(self) -> None:
        """Load the stored limits (once) and pace every provider by its key's limits."""
        if self._ready:
            return
        async with self._ready_lock:
            if self.is_ready():  # another model loaded it meanwhile
                return
            store = self.store
            if store is not None:
                if not store.loaded:
                    await asyncio.to_thread(store.load)
                for provider in self.limits.provider_names:
                    found = store.latest(provider, self._keys.get(provider))
                    if found is not None:
                        self.limits.learn(provider, found)
            self._ready = True

    def is_ready(self) -> bool:
        return self._ready

    def observe(
        self, provider: str, key: str | None, headers: Mapping[str, str], now: float
    ) -> None:
        """Learn from one response's headers (a dictionary look-up when there are none)."""
        observed = parse_limit_headers(headers, now)
        if observed is None:
            return
        self.limits.learn(provider, observed)
        if self.store is not None and self.store.record(provider, key, observed):
            self._save_soon()

    def _save_soon(self) -> None:
        if self._saving is not None and not self._saving.done():
            self._dirty = True  # written again once the write under way ends
            return
        self._saving = asyncio.create_task(self._save(), name="fiedler-learned-limits")

    async def _save(self) -> None:
        store = self.store
        assert store is not None
        while True:
            self._dirty = False
            try:
                await asyncio.to_thread(store.save)
            except Exception:  # a bug in saving must not end a run
                log.exception("learned rate limits not saved")
            if not self._dirty:
                return

    async def flush(self) -> None:
        """Wait for the learned limits under way to be written."""
        if self._saving is not None:
            await asyncio.shield(self._saving)
