"""Fewer and cheaper garbage collections while a screen that builds many objects is shown.

Streaming panes (Run) and progressively rendered Markdown (Review) allocate many short-lived
objects; with the default thresholds the collector then runs full collections over everything
the app holds, which stalled the event loop for 100 ms or more (``bench/README.md``). While such a
screen is up, :class:`CollectorTuning` freezes what exists when it opens (``gc.freeze``: left out
of collections) and raises the first-generation threshold; both are undone when it closes
(``gc.unfreeze`` thaws everything frozen, startup's too: later collections see it all again).
"""

from __future__ import annotations

import gc

FIRST_GENERATION_THRESHOLD = 10_000
"""Allocations between two young collections while tuned (CPython's default is 700)."""


class CollectorTuning:
    """Started when a screen mounts, stopped when it unmounts; stopping twice is harmless."""

    def __init__(self) -> None:
        self._saved: tuple[int, int, int] | None = None

    @property
    def active(self) -> bool:
        return self._saved is not None

    def start(self) -> None:
        if self._saved is not None:
            return
        self._saved = gc.get_threshold()
        gc.freeze()
        first, *older = self._saved
        gc.set_threshold(max(first, FIRST_GENERATION_THRESHOLD), *older)

    def stop(self) -> None:
        if self._saved is None:
            return
        gc.set_threshold(*self._saved)
        gc.unfreeze()
        self._saved = None
