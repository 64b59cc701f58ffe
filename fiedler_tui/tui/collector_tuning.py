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
from typing import ClassVar

FIRST_GENERATION_THRESHOLD = 10_000
"""Allocations between two young collections while tuned (CPython's default is 700)."""


class CollectorTuning:
    """Started when a screen mounts, stopped when it unmounts; stopping twice is harmless.

    Screens can overlap (the Run screen is still unmounting while Review mounts), so the tuning
    is shared: the first start saves and raises the threshold, every start freezes what exists
    by then, and only the last stop restores the threshold and thaws.
    """

    _active: ClassVar[int] = 0
    _saved: ClassVar[tuple[int, int, int] | None] = None

    def __init__(self) -> None:
        self._started = False

    @property
    def active(self) -> bool:
        return self._started

    def start(self) -> None:
        if self._started:
            return
        self._started = True
        cls = CollectorTuning
        if cls._active == 0:
            cls._saved = gc.get_threshold()
            first, *older = cls._saved
            gc.set_threshold(max(first, FIRST_GENERATION_THRESHOLD), *older)
        cls._active += 1
        gc.freeze()

    def stop(self) -> None:
        if not self._started:
            return
        self._started = False
        cls = CollectorTuning
        cls._active -= 1
        if cls._active == 0 and cls._saved is not None:
            gc.set_threshold(*cls._saved)
            gc.unfreeze()
            cls._saved = None
