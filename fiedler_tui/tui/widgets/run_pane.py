"""One model's pane on the Run screen: a header of live figures, the model's thinking (a
collapsible part, when it streams any) and the streamed answer.

Events only update :class:`PaneState` and buffer text; nothing is drawn until :meth:`RunPane.flush`,
which the screen calls on a timer. So the drawing cost per second is bounded by the timer rate,
not by how many network reads arrive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Static

from fiedler_tui.core.providers.errors import ErrorInfo
from fiedler_tui.core.runner import (
    Cancelled,
    Failed,
    Finished,
    FirstToken,
    Queued,
    Retrying,
    RunEvent,
    Started,
    TextDelta,
    ThinkingDelta,
)
from fiedler_tui.core.runner.model_state import ModelState, ModelStatus
from fiedler_tui.core.runner.timings import MIN_RATE_SPAN_S
from fiedler_tui.tui.safe_text import plain, visible
from fiedler_tui.tui.widgets.run_text import RunText
from fiedler_tui.tui.widgets.thinking_part import ThinkingPart

STATUSES = tuple(status.value for status in ModelStatus)
CHARS_PER_TOKEN = 4
FIGURE_GAP = "  "
"""The estimate used until the provider reports usage (labelled as an estimate)."""


def error_line(error: ErrorInfo) -> str:
    """``code (HTTP n): message`` for one error, as shown in a pane and a notification."""
    status = f" (HTTP {error.http_status})" if error.http_status else ""
    return f"{error.code}{status}: {error.message}"


@dataclass
class PaneState:
    """What one pane shows, updated per event; times are on the screen's monotonic clock.

    The model's status, attempt, retries, time to first token, reported tokens and error come
    from core's :class:`ModelState` (the same reducer the run's record follows)."""

    alias: str
    model: ModelState = field(init=False)
    queued_at: float | None = None
    first_token_at: float | None = None
    ended_at: float | None = None
    total_s: float | None = None
    """The runner's own total once the model ended."""
    tokens_per_s: float | None = None
    """The runner's figure once the model ended (from reported usage; None when the text came
    over too short a time to say)."""
    chars: int = 0
    retry_until: float | None = None
    cost_usd: float | None = None
    """What the model's usage cost, once it ended (set by the screen from the run's record)."""
    pending: list[str] = field(default_factory=list)
    final_text: str | None = None
    """The whole answer from the terminal event (the run's own held str) until the pane has
    drawn it: the pane then shows it instead of keeping a copy."""
    thinking_pending: list[str] = field(default_factory=list)
    """Reasoning text not drawn yet (shown in the pane's thinking part, never in the answer)."""
    final_thinking: str | None = None

    def __post_init__(self) -> None:
        self.model = ModelState(self.alias)

    @property
    def status(self) -> str:
        return self.model.status.value

    @property
    def ended(self) -> bool:
        return self.model.ended

    @property
    def provider(self) -> str:
        return self.model.provider

    @property
    def attempt(self) -> int:
        return self.model.attempt

    @property
    def retries(self) -> int:
        return self.model.retries

    @property
    def retry_reason(self) -> str:
        return self.model.retry_reason

    @property
    def ttft_s(self) -> float | None:
        return self.model.ttft_s

    @property
    def output_tokens(self) -> int | None:
        """Reported by the provider (cumulative), when it does."""
        return self.model.output_tokens

    @property
    def error(self) -> ErrorInfo | None:
        return self.model.error

    def tokens(self) -> tuple[int, bool]:
        """Output tokens so far and whether the figure is an estimate."""
        if self.output_tokens is not None:
            return self.output_tokens, False
        return -(-self.chars // CHARS_PER_TOKEN), True

    def elapsed(self, now: float) -> float | None:
        if self.total_s is not None:
            return self.total_s
        if self.queued_at is None:
            return None
        return (self.ended_at or now) - self.queued_at

    def rate(self, now: float) -> float | None:
        """Output tokens/s: live while streaming, the runner's own figure once ended."""
        if self.ended:
            return self.tokens_per_s
        if self.first_token_at is None:
            return None
        span = now - self.first_token_at
        tokens, _ = self.tokens()
        return tokens / span if span >= MIN_RATE_SPAN_S else None

    def apply(self, event: RunEvent, now: float) -> None:
        """Record ``event`` (text is buffered until the next flush)."""
        self.model.apply(event)
        match event:
            case TextDelta(text=text):
                self.pending.append(text)
                self.chars += len(text)
            case ThinkingDelta(text=text):
                self.thinking_pending.append(text)
                self.chars += len(text)  # thinking is output: billed, and in the estimate
            case Queued():
                self.queued_at = now
            case Started():
                self.retry_until = None
            case Retrying(delay_s=delay):
                self.retry_until = now + delay
            case FirstToken():
                self.first_token_at = now
            case Finished(timings=timings):
                self._end(now, timings.total_s, timings.output_tokens_per_s)
                self.final_text = event.text
                self.final_thinking = event.thinking
            case Failed(timings=timings):
                self._end(now, timings.total_s, timings.output_tokens_per_s)
                self.final_text = event.partial_text
                self.final_thinking = event.thinking
            case Cancelled(timings=timings):
                self._end(now, timings.total_s, timings.output_tokens_per_s)
                self.final_text = event.partial_text
                self.final_thinking = event.thinking

    def _end(self, now: float, total: float, rate: float | None) -> None:
        self.ended_at = now
        self.total_s = total
        self.tokens_per_s = rate
        self.retry_until = None

    def status_text(self, now: float, show_timings: bool = True) -> str:
        if self.status == "retrying" and self.retry_until is not None:
            left = self.retry_until - now
            if left <= 0.05:
                return "retrying"
            return f"retry in {left:.1f}s" if show_timings else "retry in #.#s"
        return self.status

    def stats_text(self, now: float, show_timings: bool = True) -> str:
        """The header's figures, most telling first (tokens, tok/s, cost once ended, retries,
        elapsed, ttft: a narrow pane drops them from the end); with ``show_timings`` off, every
        time-dependent one is masked. Figures are separated by two spaces (none holds two)."""
        tokens, estimated = self.tokens()
        token_text = f"~{tokens:,} tok (est.)" if estimated else f"{tokens:,} tok"
        parts = [token_text, f"{_rate(self.rate(now), show_timings)} tok/s"]
        if self.cost_usd is not None:
            parts.append(f"${self.cost_usd:.4f}")
        if self.retries:
            parts.append(f"{self.retries} retr{'y' if self.retries == 1 else 'ies'}")
        parts.append(_seconds(self.elapsed(now), show_timings))
        parts.append(f"ttft {_seconds(self.ttft_s, show_timings)}")
        return FIGURE_GAP.join(parts)


def _seconds(value: float | None, show: bool) -> str:
    if value is None:
        return "--"
    if not show:
        return "#.##s"
    return f"{value:.2f}s" if value < 100 else f"{value:.0f}s"


def _rate(value: float | None, show: bool) -> str:
    if value is None:
        return "–"
    if not show:
        return "###"
    return f"{value:.0f}"


class RunHeader(Widget):
    """One line: number and alias, the status in its theme colour, then the figures.

    A single widget (styled through component classes) rather than a row of labels: a run
    screen has one per model and redraws them often.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "run-header--alias",
        "run-header--stats",
        *(f"run-header--{status}" for status in STATUSES),
    }

    def __init__(self, label: str) -> None:
        super().__init__(classes="run-pane-header")
        self._label = visible(label)
        self.status = "queued"
        self.status_text = "queued"
        self.stats_text = ""

    def show(self, status: str, status_text: str, stats_text: str) -> None:
        if (status, status_text, stats_text) != (self.status, self.status_text, self.stats_text):
            self.status, self.status_text, self.stats_text = status, status_text, stats_text
            self.refresh()

    def render(self) -> Text:
        """Alias and status, then the figures that fit whole, in order (never ``~22 to…``)."""
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        text.append(self._label, self.get_component_rich_style("run-header--alias"))
        text.append(" ")
        text.append(self.status_text, self.get_component_rich_style(f"run-header--{self.status}"))
        width = self.size.width
        fitting = []
        used = text.cell_len
        for figure in self.stats_text.split(FIGURE_GAP) if self.stats_text else ():
            if width > 0 and used + len(FIGURE_GAP) + len(figure) > width:
                break
            fitting.append(figure)
            used += len(FIGURE_GAP) + len(figure)
        if fitting:
            text.append(FIGURE_GAP)
            text.append(
                FIGURE_GAP.join(fitting), self.get_component_rich_style("run-header--stats")
            )
        return text


class RunPane(Vertical):
    """A model's pane: alias, status, figures, the streamed text, and the error if it failed."""

    ALLOW_MAXIMIZE = True
    STATS_INTERVAL_S = 0.2
    """The figures change with every flush (elapsed time); redrawing them 5 times a second is
    enough to read and much cheaper than 25."""

    def __init__(
        self, alias: str, number: int, *, show_timings: bool = True, thinking_shown: bool = False
    ) -> None:
        super().__init__(id=f"pane-{number}", classes="run-pane -queued")
        self.alias = alias
        self.number = number
        self.state = PaneState(alias)
        self.show_timings = show_timings
        self.header = RunHeader(f"{number} {alias}")
        self.body = RunText(classes="run-body")
        self.thinking = ThinkingPart(expanded=thinking_shown)
        """The model's reasoning, collapsible, above the answer (hidden while there is none)."""
        self._error = Static("", classes="run-error")
        self._stats = ""
        self._stats_at = float("-inf")
        self._shown_class = "queued"
        self._error_shown = False

    def compose(self) -> ComposeResult:
        yield self.header
        yield self.thinking
        yield self.body
        yield self._error

    @property
    def text(self) -> str:
        """The text shown so far (flushed), as plain text."""
        return self.body.text

    @property
    def error_text(self) -> str:
        """The error line shown under the text ("" if none)."""
        return str(self._error.render()) if self._error_shown else ""

    def apply(self, event: RunEvent, now: float) -> None:
        self.state.apply(event, now)

    @property
    def status_changed(self) -> bool:
        """True when the status or an error is not drawn yet (worth drawing at once)."""
        state = self.state
        return state.status != self._shown_class or (state.error is not None) != self._error_shown

    def flush(self, now: float) -> None:
        """Draw what changed since the last flush: new text, status, figures, error."""
        state = self.state
        if state.thinking_pending:
            thought = "".join(state.thinking_pending)
            state.thinking_pending.clear()
            self.thinking.append(thought)
        if state.final_thinking is not None:
            self.thinking.settle(state.final_thinking)
            state.final_thinking = None
        if state.pending:
            chunk = "".join(state.pending)
            state.pending.clear()
            self.body.append(chunk)
        if state.final_text is not None:  # ended: show the held answer rather than a copy
            self.body.settle(state.final_text)
            state.final_text = None
        if state.status != self._shown_class:
            self.remove_class(f"-{self._shown_class}")
            self.add_class(f"-{state.status}")
            self._shown_class = state.status
        if now - self._stats_at >= self.STATS_INTERVAL_S or state.ended:
            self._stats = state.stats_text(now, self.show_timings)
            self._stats_at = now
        self.header.show(state.status, state.status_text(now, self.show_timings), self._stats)
        if state.error is not None and not self._error_shown:
            self._error_shown = True
            self._error.update(plain(error_line(state.error)))
            self.add_class("-has-error")

    def show_problem(self, message: str) -> None:
        """Show a problem that is not the model's own error (the run itself stopped)."""
        self._error.update(plain(message))
        self.add_class("-has-error")
        self._error_shown = True

    @property
    def unsaved(self) -> bool:
        """True while the pane is marked: the model's output is not completely on disk."""
        return self.has_class("-unsaved")

    def mark_unsaved(self, note: str | None) -> None:
        """Mark the pane (border and its subtitle, e.g. ``not saved``), or clear it with None."""
        self.set_class(note is not None, "-unsaved")
        self.border_subtitle = plain(note) if note is not None else ""


def pane_holding(node: Widget | None) -> RunPane | None:
    """The pane that is ``node`` or holds it (the focused pane of a Run or Deliberation
    screen, given its focused widget), or None."""
    while node is not None and not isinstance(node, RunPane):
        parent = node.parent
        node = parent if isinstance(parent, Widget) else None
    return node
