"""A deliberation's progress as one short line, for MCP progress notifications.

``round 2/3 (answer): 1/2 ended; quick: done (35 tokens); careful: streaming, 12 tokens so far``:
the current round and, per member (or the chair), what :class:`ProgressTracker` says of a send.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from fiedler_tui.core.mcp_tools.progress import ProgressTracker

if TYPE_CHECKING:
    from fiedler_tui.core.crosstalk.events import CrosstalkEvent


class DeliberationProgress:
    def __init__(self) -> None:
        self._round = "starting"
        self._turns = ProgressTracker(())
        self._base = 0
        """Versions of the rounds before this one, so :attr:`version` only grows."""
        self._extra = 0

    @property
    def version(self) -> int:
        return self._base + self._turns.version + self._extra

    def handle(self, event: CrosstalkEvent) -> None:
        from fiedler_tui.core.crosstalk.events import DroppedOut, RoundStarted, TurnEvent

        if isinstance(event, RoundStarted):
            self._base = self.version + 1
            self._round = f"round {event.round}/{event.rounds} ({event.phase})"
            self._turns = ProgressTracker(event.members)
        elif isinstance(event, TurnEvent):
            if event.role == "chair" and event.member not in self._turns.aliases:
                self._base = self.version + 1
                self._round = f"round {event.round} ({event.phase}, chair)"
                self._turns = ProgressTracker((event.member,))
            # a turn's runner events name the member by its alias
            self._turns.handle(dataclasses.replace(event.event, model=event.member))
        elif isinstance(event, DroppedOut):
            self._extra += 1
            self._round += f"; {event.member} dropped out"

    def message(self) -> str:
        return f"{self._round}: {self._turns.message()}"
