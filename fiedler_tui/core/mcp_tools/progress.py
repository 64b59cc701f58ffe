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
from typing import TYPE_CHECKING

from fiedler_tui.core.runner.events import Usage
from fiedler_tui.core.runner.model_state import ModelState, ModelStatus

if TYPE_CHECKING:
    from fiedler_tui.core.runner import RunEvent

PROGRESS_INTERVAL_S = 0.25
"""Shortest time between two progress notifications of one call (four a second at most)."""


def _word(state: ModelState) -> str:
    """The state as a progress line words it (``started``, ``attempt 2`` for a request)."""
    if state.status is ModelStatus.REQUESTING:
        return "started" if state.attempt <= 1 else f"attempt {state.attempt}"
    return state.status.value


def _detail(state: ModelState) -> str:
    if state.status is ModelStatus.RETRYING and state.retry_delay_s is not None:
        return f"in {state.retry_delay_s:.1f}s: {_short(state.retry_reason)}"
    if state.status is ModelStatus.FAILED and state.error is not None:
        return f"[{state.error.code}] {_short(state.error.message)}"
    return ""


def _tokens(state: ModelState) -> tuple[int, bool]:
    """Output tokens so far and whether the figure is an estimate: the text received while
    streaming, the terminal event's usage once ended."""
    from fiedler_tui.core.runner.limits import CHARS_PER_TOKEN  # as estimated_tokens()

    usage = state.final_usage
    if usage is not None and usage.output_tokens is not None:
        return usage.output_tokens, usage.output_estimated
    return -(-state.chars // CHARS_PER_TOKEN), True


class ProgressTracker:
    """Each model's :class:`ModelState` (core's one reducer of run events), worded as a line."""

    def __init__(self, aliases: Sequence[str]) -> None:
        self._models = {alias: ModelState(alias) for alias in aliases}
        self.version = 0
        """Grows with every change; the front end compares it with the version it sent."""

    def handle(self, event: RunEvent) -> None:
        model = self._models.get(event.model)
        if model is None:
            return
        if model.apply(event) and not isinstance(event, Usage):  # the line shows no usage
            self.version += 1

    @property
    def aliases(self) -> tuple[str, ...]:
        return tuple(self._models)

    @property
    def ended(self) -> int:
        return sum(m.ended for m in self._models.values())

    @property
    def total(self) -> int:
        return len(self._models)

    def message(self) -> str:
        """``swift: done (35 tokens); steady: streaming, ~12 tokens so far (estimate); busy:
        retrying in 2.0s: rate_limited: ...``, after how many models have ended."""
        parts = []
        for alias, model in self._models.items():
            word, detail = _word(model), _detail(model)
            text = f"{alias}: {word}"
            tokens, estimated = _tokens(model)
            figure = f"~{tokens:,}" if estimated else f"{tokens:,}"
            if model.status is ModelStatus.STREAMING:
                text += f", {figure} tokens so far" + (" (estimate)" if estimated else "")
            elif model.ended and tokens:
                text += f" ({figure} tokens" + (", estimate)" if estimated else ")")
            if detail:
                text += f" {detail}" if model.status is ModelStatus.RETRYING else f": {detail}"
            parts.append(text)
        return f"{self.ended}/{self.total} ended; " + "; ".join(parts)


def _short(text: str, limit: int = 160) -> str:
    """One line, at most ``limit`` characters (a provider's message can be long)."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
