"""Deliberation: the current round's members stream side by side; earlier rounds fold to lines.

The app builds the :class:`DeliberationSession`, runs ``prepare()`` and ``preflight()`` off the
event loop and pushes ``DeliberationScreen(session)``. One async worker consumes the session's
events (each is recorded to the run folder before it arrives here, as the CLI records it) and
only updates pane state; a timer draws the panes. Each round's start replaces the panes with the
members of that round (the chair alone for its steps); each round's end folds its turns to one
line each (member, status, verdict and confidence, cost). The header says round k of N, the
spend against the worst case and the consensus state.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static

from fiedler_tui.core.crosstalk.events import (
    DeliberationEnded,
    DroppedOut,
    Outcome,
    RoundEnded,
    RoundStarted,
    TurnEvent,
)
from fiedler_tui.core.crosstalk.session import DeliberationSession
from fiedler_tui.core.errors import FiedlerError
from fiedler_tui.core.runner import Failed, TextDelta
from fiedler_tui.tui.safe_text import plain
from fiedler_tui.tui.screens.run import grid_columns
from fiedler_tui.tui.widgets.deliberation_lines import (
    HeaderState,
    fold_line,
    header_text,
    outcome_line,
)
from fiedler_tui.tui.widgets.run_pane import RunPane, error_line, pane_holding


class DeliberationScreen(Screen[None]):
    """Streams every turn of ``session``'s deliberation, round by round."""

    FLUSH_HZ: ClassVar[float] = 25.0
    DEFAULT_CSS = """
    DeliberationScreen { layout: vertical; }
    #delib-header { height: auto; max-height: 2; padding: 0 1; background: $panel; }
    #delib-folds { height: auto; max-height: 7; padding: 0 1; color: $text-muted; }
    #delib-folds.-empty { display: none; }
    #delib-grid { height: 1fr; grid-gutter: 0 1; padding: 0 1; }
    #delib-total { height: auto; max-height: 4; padding: 0 1; background: $panel; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "c",
            "cancel_focused",
            "Cancel member",
            id="delib-cancel",
            tooltip="Cancel the focused member's turn; it drops out, the others go on",
        ),
        Binding(
            "C,shift+c",
            "cancel_all",
            "Cancel all",
            id="delib-cancel-all",
            tooltip="Cancel every turn; no further round starts",
        ),
        Binding(
            "r",
            "review",
            "Review",
            id="delib-review",
            tooltip="Walk the transcript by round and member, the result first",
        ),
        Binding(
            "escape",
            "back",
            "Back",
            id="delib-back",
            tooltip="Leave the screen (while it runs: twice, cancelling it)",
        ),
        Binding(
            "t",
            "toggle_thinking",
            "Thinking",
            show=False,  # named in a pane's thinking part, where there is thinking
            id="delib-thinking",
            tooltip="Show or hide each member's thinking (its reasoning, apart from the answer)",
        ),
        Binding("left", "focus_neighbour(-1)", "Pane left", show=False, id="delib-left"),
        Binding("right", "focus_neighbour(1)", "Pane right", show=False, id="delib-right"),
    ]

    def __init__(
        self,
        session: DeliberationSession,
        *,
        show_timings: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``show_timings=False`` masks every time-dependent figure (for snapshots)."""
        super().__init__()
        self.session = session
        self.show_timings = show_timings
        self._clock = clock
        plan = session.plan
        self.state = HeaderState(
            paradigm=plan.paradigm.value,
            rounds=plan.rounds,
            worst_case_usd=session.budget.cost_usd_max,
            chair=plan.chair,
            chair_is_member=plan.chair_is_member,
        )
        self._panes: dict[str, RunPane] = {}
        self.thinking_shown = False
        """Whether the panes' thinking parts are expanded (t); kept from round to round."""
        self._letters = {m.alias: m.letter for m in plan.members}
        self.folds: list[str] = []
        self.outcome: Outcome | None = None
        self._finished = False
        self._problem: str | None = None
        self._timer: Timer | None = None
        self._leave_asked = False
        self._leave_when_done = False

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(plain(header_text(self.state)), id="delib-header")
        with VerticalScroll(id="delib-folds", classes="-empty"):
            yield Static("", id="delib-fold-lines")
        yield Grid(id="delib-grid")
        yield Static(plain(self._members_line()), id="delib-total")
        yield Footer()

    def _members_line(self) -> str:
        members = ", ".join(f"{m.letter}={m.alias}" for m in self.session.plan.members)
        return f"members {members}; starting…"

    def on_mount(self) -> None:
        self._timer = self.set_interval(1 / self.FLUSH_HZ, self._flush)
        self.call_after_refresh(self._run)

    # -- public --------------------------------------------------------------------------------

    @property
    def finished(self) -> bool:
        return self._finished

    @property
    def panes(self) -> list[RunPane]:
        return list(self._panes.values())

    @property
    def header(self) -> str:
        return header_text(self.state)

    @property
    def total_text(self) -> str:
        return str(self.query_one("#delib-total", Static).render())

    def focused_pane(self) -> RunPane | None:
        return pane_holding(self.focused)

    # -- the deliberation ------------------------------------------------------------------------

    @work(exclusive=True, group="deliberation", exit_on_error=False)
    async def _run(self) -> None:
        try:
            async with self.session:
                async for event in self.session.events():
                    if isinstance(event, RoundStarted):
                        await self._round_started(event)
                    elif isinstance(event, TurnEvent):
                        self._turn(event)
                    elif isinstance(event, DroppedOut):
                        self.notify(
                            f"{event.member} dropped out in round {event.round}: {event.reason}",
                            severity="warning",
                            timeout=10,
                            markup=False,
                        )
                    elif isinstance(event, RoundEnded):
                        self._round_ended(event)
                    elif isinstance(event, DeliberationEnded):
                        self.outcome = event.outcome
        except FiedlerError as exc:
            self._problem = "; ".join(exc.lines())
            self.notify(self._problem, title=exc.title, severity="error", markup=False)
        except Exception as exc:  # shown to the user, never a traceback
            self._problem = f"{type(exc).__name__}: {exc}"
            self.notify(self._problem, title="The deliberation stopped", severity="error")
        finally:
            self._finished = True
            if self._timer is not None:
                self._timer.stop()
            if self.is_attached:
                self._flush()
                self.state.status = self.session.status
                self._show()
                self.refresh_bindings()
                if self._leave_when_done and self.app.screen is self:
                    self.app.pop_screen()

    async def _round_started(self, event: RoundStarted) -> None:
        self._flush()
        grid = self.query_one("#delib-grid", Grid)
        await grid.remove_children()
        self._panes = {}
        state = self.state
        state.round, state.phase = event.round, event.phase
        state.status = "running"
        panes = []
        for number, member in enumerate(event.members, start=1):
            letter = self._letters.get(member)
            label = member if event.phase in ("answer", "relay", "review") else f"{member} chair"
            pane = RunPane(
                label, number, show_timings=self.show_timings, thinking_shown=self.thinking_shown
            )
            if letter and event.phase in ("answer", "relay", "review"):
                pane.border_title = plain(f"Reviewer {letter}")
            self._panes[member] = pane
            panes.append(pane)
        grid.styles.grid_size_columns = grid_columns(len(panes))
        await grid.mount_all(panes)
        if panes and not isinstance(self.focused, RunPane):
            panes[0].body.focus()
        self._show()

    def _turn(self, event: TurnEvent) -> None:
        pane = self._panes.get(event.member)
        if pane is None:
            return
        inner = event.event
        if type(inner) is TextDelta:
            pane.state.pending.append(inner.text)
            pane.state.chars += len(inner.text)
            return
        pane.apply(inner, self._clock())
        if isinstance(inner, Failed):
            self.notify(
                f"{event.member}: {error_line(inner.error)}",
                title=inner.error.title,
                severity="error",
                timeout=10,
                markup=False,
            )

    def _round_ended(self, event: RoundEnded) -> None:
        for turn in event.turns:
            pane = self._panes.get(turn.member)
            if pane is not None:
                pane.state.cost_usd = turn.cost_usd
            self.folds.append(fold_line(turn))
        state = self.state
        state.spent_usd = event.spent_usd
        if event.consensus is not None:
            state.consensus = event.consensus
        if event.replayed:
            state.round, state.phase = event.round, event.phase
        self._show()

    def _flush(self) -> None:
        now = self._clock()
        for pane in self._panes.values():
            pane.flush(now)

    def _show(self) -> None:
        if not self.is_attached:
            return
        self.query_one("#delib-header", Static).update(plain(header_text(self.state)))
        folds = self.query_one("#delib-folds", VerticalScroll)
        folds.set_class(not self.folds, "-empty")
        self.query_one("#delib-fold-lines", Static).update(plain("\n".join(self.folds)))
        folds.scroll_end(animate=False)
        self.query_one("#delib-total", Static).update(plain(self.total_line()))

    def total_line(self) -> str:
        """While running: the members; once ended: the outcome and where it is saved."""
        if self.outcome is None:
            line = self._members_line().replace("starting…", self.state.status)
            return f"{line}\nstopped: {self._problem}" if self._problem else line
        line = outcome_line(self.outcome)
        path = self.session.run_path
        where = "not saved (FIEDLER_NO_DISK=1)" if path is None else f"saved to {path}"
        problems = self.session.problems
        if problems:
            where += f"; {len(problems)} write(s) failed: {problems[0]}"
        return f"{line}\n{where} · r reviews the transcript, the result first"

    # -- actions -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "review":
            return True if self._finished else None
        if action in ("cancel_focused", "cancel_all"):
            return None if self._finished else True
        return True

    def action_toggle_thinking(self) -> None:
        self.thinking_shown = not self.thinking_shown
        for pane in self._panes.values():
            pane.thinking.set_expanded(self.thinking_shown)

    def action_cancel_focused(self) -> None:
        pane = self.focused_pane()
        if pane is None:
            self.notify("focus a member's pane first", severity="warning")
            return
        member = next((m for m, p in self._panes.items() if p is pane), None)
        if member is None or pane.state.ended:
            self.notify(f"{pane.alias} has already ended", markup=False)
            return
        if not self.session.cancel(member):
            self.notify(
                "the chair's turn cannot be cancelled alone: C cancels the deliberation",
                severity="warning",
            )

    def action_cancel_all(self) -> None:
        if not self._finished:
            self.session.cancel_all()
            self.state.status = "cancelling"
            self._show()

    def action_focus_neighbour(self, step: int) -> None:
        panes = self.panes
        if not panes:
            return
        current = self.focused_pane()
        index = panes.index(current) if current in panes else 0
        target = index + step
        if 0 <= target < len(panes):
            panes[target].body.focus()

    def action_review(self) -> None:
        if not self._finished:
            self.notify("the deliberation is still going: r reviews it once it has ended")
            return
        from fiedler_tui.tui.screens.deliberation_review import DeliberationReviewScreen

        recorder = self.session.recorder
        if recorder is None:
            self.notify("the deliberation did not start: nothing to review", severity="warning")
            return
        self.app.push_screen(
            DeliberationReviewScreen.of_session(recorder.summary(), recorder.turns)
        )

    def action_back(self) -> None:
        if not self._finished:
            if self._leave_asked:
                self._leave_when_done = True
                self.session.cancel_all()
                self.notify("cancelling the deliberation; the screen closes once it has stopped")
                return
            self._leave_asked = True
            self.notify(
                "the deliberation is still going: escape again cancels it and leaves",
                severity="warning",
            )
            return
        self.app.pop_screen()
