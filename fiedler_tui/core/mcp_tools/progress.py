"""Per-model progress of a send as one short line, for MCP progress notifications.

:class:`ProgressTracker` follows the runner's events (queued, streaming with the chunks received
so far, retrying and why, done, failed, cancelled); the front end sends :meth:`message` at most
a few times a second, and only when something changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fiedler_tui.core.runner import RunEvent

PROGRESS_INTERVAL_S = 0.25
"""Shortest time between two progress notifications of one call (four a second at most)."""


@dataclass
class _ModelState:
    state: str = "queued"
    chunks: int = 0
    detail: str = ""


class ProgressTracker:
    def __init__(self, aliases: Sequence[str]) -> None:
        self._models = {alias: _ModelState() for alias in aliases}
        self.version = 0
        """Grows with every change; the front end compares it with the version it sent."""

    def handle(self, event: RunEvent) -> None:
        from fiedler_tui.core.runner import (  # loaded by then: the run's own events
            Cancelled,
            Failed,
            Finished,
            FirstToken,
            Queued,
            Retrying,
            Started,
            TextDelta,
        )

        model = self._models.get(event.model)
        if model is None:
            return
        match event:
            case Queued():
                model.state, model.detail = "queued", ""
            case Started(attempt=attempt):
                model.state = "started" if attempt == 1 else f"attempt {attempt}"
                model.detail = ""
            case Retrying(delay_s=delay, reason=reason):
                model.state, model.detail = "retrying", f"in {delay:.1f}s: {_short(reason)}"
            case FirstToken():
                model.state, model.detail = "streaming", ""
            case TextDelta():
                model.state = "streaming"
                model.chunks += 1
            case Finished():
                model.state, model.detail = "done", ""
            case Failed(error=error):
                model.state, model.detail = "failed", f"[{error.code}] {_short(error.message)}"
            case Cancelled():
                model.state, model.detail = "cancelled", ""
            case _:
                return
        self.version += 1

    @property
    def aliases(self) -> tuple[str, ...]:
        return tuple(self._models)

    @property
    def ended(self) -> int:
        return sum(m.state in {"done", "failed", "cancelled"} for m in self._models.values())

    @property
    def total(self) -> int:
        return len(self._models)

    def message(self) -> str:
        """``swift: done (35 tokens); steady: streaming, 12 tokens so far; busy: retrying in
        2.0s: rate_limited: ...``, after how many models have ended."""
        parts = []
        for alias, model in self._models.items():
            text = f"{alias}: {model.state}"
            if model.state == "streaming":
                text += f", {model.chunks:,} tokens so far"
            elif model.state in {"done", "failed", "cancelled"} and model.chunks:
                text += f" ({model.chunks:,} tokens)"
            if model.detail:
                text += f" {model.detail}" if model.state == "retrying" else f": {model.detail}"
            parts.append(text)
        return f"{self.ended}/{self.total} ended; " + "; ".join(parts)


def _short(text: str, limit: int = 160) -> str:
    """One line, at most ``limit`` characters (a provider's message can be long)."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
