"""Per-model progress of a send as one short line, for MCP progress notifications.

:class:`ProgressTracker` follows the runner's events (queued, streaming with the tokens received
so far, retrying and why, done, failed, cancelled); the front end sends :meth:`message` at most
a few times a second, and only when something changed.

Tokens: while a model streams, an estimate from the text received so far (the runner's own
estimate for text no provider counted: characters / 4), written ``~N`` and marked ``estimate``;
once it has ended, the output tokens the provider reported (still ``~N ... estimate`` when the
provider never reported them). For prose and code the estimate is typically within 0.5x to
1.5x of the provider's count (the heuristic band of ``core.tokens``).
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
    chars: int = 0
    """Characters of text received so far."""
    reported: int | None = None
    """Output tokens from the terminal event's usage (None until the model ends)."""
    estimated: bool = True
    """``reported`` is the runner's estimate, not the provider's count."""
    detail: str = ""

    def tokens(self) -> tuple[int, bool]:
        """Output tokens so far and whether the figure is an estimate."""
        from fiedler_tui.core.runner.limits import CHARS_PER_TOKEN  # as estimated_tokens()

        if self.reported is not None:
            return self.reported, self.estimated
        return -(-self.chars // CHARS_PER_TOKEN), True


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
            case TextDelta(text=text):
                model.state = "streaming"
                model.chars += len(text)
            case Finished(usage=usage):
                model.state, model.detail = "done", ""
                model.reported, model.estimated = usage.output_tokens, usage.output_estimated
            case Failed(error=error, usage=usage):
                model.state, model.detail = "failed", f"[{error.code}] {_short(error.message)}"
                model.reported, model.estimated = usage.output_tokens, usage.output_estimated
            case Cancelled(usage=usage):
                model.state, model.detail = "cancelled", ""
                model.reported, model.estimated = usage.output_tokens, usage.output_estimated
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
        """``swift: done (35 tokens); steady: streaming, ~12 tokens so far (estimate); busy:
        retrying in 2.0s: rate_limited: ...``, after how many models have ended."""
        parts = []
        for alias, model in self._models.items():
            text = f"{alias}: {model.state}"
            tokens, estimated = model.tokens()
            figure = f"~{tokens:,}" if estimated else f"{tokens:,}"
            if model.state == "streaming":
                text += f", {figure} tokens so far" + (" (estimate)" if estimated else "")
            elif model.state in {"done", "failed", "cancelled"} and tokens:
                text += f" ({figure} tokens" + (", estimate)" if estimated else ")")
            if model.detail:
                text += f" {model.detail}" if model.state == "retrying" else f": {model.detail}"
            parts.append(text)
        return f"{self.ended}/{self.total} ended; " + "; ".join(parts)


def _short(text: str, limit: int = 160) -> str:
    """One line, at most ``limit`` characters (a provider's message can be long)."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
