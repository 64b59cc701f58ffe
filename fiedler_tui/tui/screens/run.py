"""Run: one pane per model, streaming live; cancel one or all; a total line when all have ended.

The app builds the :class:`SendSession`, runs ``preflight()`` and pushes ``RunScreen(session)``.
One async worker consumes the session's events and only updates pane state; a timer draws the
panes at most :attr:`RunScreen.FLUSH_HZ` times a second, so drawing is bounded by the timer, not
by how many network reads arrive.

An output or summary that cannot be written (disk full, I/O error) is announced at once (a
notification, the pane's border marked ``not saved``); the whole text stays in memory, and once
the run has ended ``s`` saves it to a folder the user names (in a thread).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid
from textual.markup import escape as escape_markup
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static

from fiedler_tui.core.errors import FiedlerError
from fiedler_tui.core.followup.session import FollowUpSession
from fiedler_tui.core.plural import counted
from fiedler_tui.core.runner import Failed, RunEvent, TextDelta
from fiedler_tui.core.send import SendSession
from fiedler_tui.core.store.save_elsewhere import SavedElsewhere, held_files, save_elsewhere
from fiedler_tui.core.store.save_problems import SaveProblem
from fiedler_tui.tui.collector_tuning import CollectorTuning
from fiedler_tui.tui.safe_text import plain, visible
from fiedler_tui.tui.widgets.find import FindableView
from fiedler_tui.tui.widgets.find_bar import FindBar
from fiedler_tui.tui.widgets.run_pane import RunPane, error_line, pane_holding

PaletteEntry = tuple[str, str, Callable[[], Any]]


def grid_columns(count: int) -> int:
    """Columns for ``count`` panes: side by side up to 3, then two rows (or more)."""
    if count <= 3:
        return max(1, count)
    if count == 4:
        return 2
    return min(4, -(-count // 2))


class RunScreen(Screen[None]):
    """Streams every model of ``session`` into its own pane."""

    FLUSH_HZ: ClassVar[float] = 25.0
    MAX_SKIP: ClassVar[int] = 6
    """Panes not looked at are drawn at least every this many ticks."""
    ALLOW_IN_MAXIMIZED_VIEW: ClassVar[str | None] = "Footer, #run-total, FindBar"
    """A maximised pane keeps the run's total line (and the find bar) in view."""
    TUNE_GC: ClassVar[bool] = True
    """Collect less while the screen is up (:class:`CollectorTuning`): drawing streams allocates
    many short-lived objects, and full collections over everything the app holds otherwise stall
    the event loop for 100 ms or more."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "c",
            "cancel_focused",
            "Cancel model",
            id="run-cancel",
            tooltip="Cancel the focused model; the others go on",
        ),
        Binding(
            "C,shift+c",
            "cancel_all",
            "Cancel all",
            id="run-cancel-all",
            tooltip="Cancel every model that is still running",
        ),
        Binding(
            "z",
            "toggle_maximise",
            "Maximise",
            id="run-maximise",
            tooltip="Show only the focused pane, or go back to the grid",
        ),
        Binding(
            "r",
            "review",
            "Review",
            id="run-review",
            tooltip="Compare the answers (while the run goes on: those that have ended)",
        ),
        Binding(
            "escape",
            "back",
            "Back",
            id="run-back",
            tooltip="Leave the Run screen (while the run goes on: twice, cancelling it)",
        ),
        Binding(
            "s",
            "save_elsewhere",
            "Save elsewhere",
            id="run-save-elsewhere",
            tooltip="Save the outputs that could not be saved to another folder",
        ),
        Binding(
            "t",
            "toggle_thinking",
            "Thinking",
            show=False,  # the thinking part's title names the key, where there is thinking
            id="run-thinking",
            tooltip="Show or hide each model's thinking (its reasoning, apart from the answer)",
        ),
        Binding(
            "slash",
            "find",
            "Find",
            show=False,
            id="run-find",
            tooltip="Find text in the focused pane (enter/down next, up previous)",
        ),
        Binding("left", "focus_neighbour(-1, 0)", "Pane left", show=False, id="run-left"),
        Binding("right", "focus_neighbour(1, 0)", "Pane right", show=False, id="run-right"),
        Binding("up", "focus_neighbour(0, -1)", "Pane above", show=False, id="run-up"),
        Binding("down", "focus_neighbour(0, 1)", "Pane below", show=False, id="run-down"),
        Binding(
            "shift+up",
            "scroll_pane(-1)",
            "Scroll up",
            show=False,
            id="run-scroll-up",
            tooltip="Scroll the focused pane up a line (up does too while it is maximised)",
        ),
        Binding(
            "shift+down",
            "scroll_pane(1)",
            "Scroll down",
            show=False,
            id="run-scroll-down",
            tooltip="Scroll the focused pane down a line (down does too while it is maximised)",
        ),
        *[
            Binding(str(n), f"focus_pane({n})", f"Pane {n}", show=False, id=f"run-pane-{n}")
            for n in range(1, 10)
        ],
    ]

    def __init__(
        self,
        session: SendSession,
        *,
        show_timings: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``show_timings=False`` masks every time-dependent figure (for snapshots)."""
        super().__init__()
        self.session = session
        self.show_timings = show_timings
        self._clock = clock
        self._panes: dict[str, RunPane] = {}
        self._started_at: float | None = None
        self._ended_at: float | None = None
        self._finished = False
        self._problem: str | None = None
        self._timer: Timer | None = None
        self._tick = 0
        self._collector = CollectorTuning()
        self._problems_seen = 0
        self._unsaved: list[SaveProblem] = []
        self._saved_elsewhere: Path | None = None
        self._leave_warned = False
        self._leave_asked = False
        """Escape was pressed once while the run went on (a second press cancels and leaves)."""
        self._leave_when_done = False
        """Leave once the run has stopped (escape pressed twice while it went on)."""
        self.thinking_shown = False
        """Whether the panes' thinking parts are expanded (t); collapsed to a title at first."""

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        aliases = self.session.aliases
        yield Static(plain(self._title()), id="run-title")
        with Grid(id="run-grid"):
            for number, alias in enumerate(aliases, start=1):
                pane = RunPane(
                    alias,
                    number,
                    show_timings=self.show_timings,
                    thinking_shown=self.thinking_shown,
                )
                self._panes[alias] = pane
                yield pane
        yield Static(plain("running…"), id="run-total")
        yield FindBar(id="run-find-bar")
        yield Footer()

    def _title(self) -> str:
        count = len(self.session.aliases)
        files = len(self.session.result.preview.files)
        models = f"{count} model{'s' if count != 1 else ''}"
        what = "Run"
        if isinstance(self.session, FollowUpSession):  # the run's next turn
            what = f"Follow-up, turn {self.session.turn} of run {self.session.plan.run.run_id}"
        return f"{what}: {models}, {files} file{'s' if files != 1 else ''}"

    def on_mount(self) -> None:
        grid = self.query_one("#run-grid", Grid)
        grid.styles.grid_size_columns = grid_columns(len(self._panes))
        panes = self.panes
        if panes:
            panes[0].body.focus()
        self._timer = self.set_interval(1 / self.FLUSH_HZ, self._flush)
        if self.TUNE_GC:
            self._collector.start()
        # Start sending after the first frame: opening the HTTP client (TLS setup) takes a while.
        self.call_after_refresh(self._run)

    def on_unmount(self) -> None:
        self._collector.stop()

    # -- public --------------------------------------------------------------------------------

    @property
    def panes(self) -> list[RunPane]:
        return list(self._panes.values())

    def pane(self, alias: str) -> RunPane:
        return self._panes[alias]

    @property
    def finished(self) -> bool:
        """True once every model has ended and the session is closed."""
        return self._finished

    @property
    def total_text(self) -> str:
        return str(self.query_one("#run-total", Static).render())

    def focused_pane(self) -> RunPane | None:
        return pane_holding(self.focused)

    def cancel_model(self, alias: str) -> bool:
        """Cancel one model; False if it had already ended."""
        if self._finished or self._panes[alias].state.ended:
            return False
        return self.session.cancel(alias)

    def cancel_all(self) -> None:
        if not self._finished:
            self.session.cancel_all()

    def palette_commands(self) -> list[PaletteEntry]:
        """(title, help, callback) for the command palette, given the run's state."""
        entries: list[PaletteEntry] = []
        if not self._finished:
            pane = self.focused_pane()
            if pane is not None and not pane.state.ended:
                entries.append(
                    (
                        f"Run: cancel {escape_markup(visible(pane.alias))}",
                        "Cancel the focused model",
                        partial(self.cancel_model, pane.alias),
                    )
                )
            entries.append(
                ("Run: cancel all", "Cancel every running model", self.action_cancel_all)
            )
        entries.append(
            (
                "Run: maximise or restore pane",
                "Toggle the focused pane full screen",
                self.action_toggle_maximise,
            )
        )
        for pane in self.panes:
            entries.append(
                (
                    f"Run: go to {escape_markup(visible(pane.alias))}",
                    f"Focus pane {pane.number}",
                    partial(self.action_focus_pane, pane.number),
                )
            )
        if self._finished:
            entries.append(("Run: review answers", "Compare the answers", self.action_review))
        if self._finished and self._unsaved:
            entries.append(
                (
                    "Run: save elsewhere",
                    "Save the outputs that could not be saved to another folder",
                    self.action_save_elsewhere,
                )
            )
        return entries

    # -- the run -------------------------------------------------------------------------------

    @work(exclusive=True, group="run", exit_on_error=False)
    async def _run(self) -> None:
        self._started_at = self._clock()
        try:
            async with self.session:
                async for event in self.session.events():
                    self._on_event(event)
        except FiedlerError as exc:
            self._stop("; ".join(exc.lines()), exc.title)
        except Exception as exc:  # shown to the user, never a traceback
            self._stop(f"{type(exc).__name__}: {exc}", "The run stopped unexpectedly")
        finally:
            self._ended_at = self._clock()
            self._finished = True
            if self._timer is not None:
                self._timer.stop()
            if self.is_attached:  # the screen may have been closed mid-run
                self._show_save_problems(notify=False)
                self._flush(everything=True)
                self._report_unsaved()
                self._show_total()
                self.refresh_bindings()
                if self._leave_when_done and self.app.screen is self:
                    self.action_back()

    def _on_event(self, event: RunEvent) -> None:
        pane = self._panes.get(event.model)
        if pane is None:
            return
        if type(event) is TextDelta:  # the frequent case: just buffer the text
            state = pane.state
            state.pending.append(event.text)
            state.chars += len(event.text)
            return
        ended = pane.state.ended
        pane.apply(event, self._clock())
        if pane.state.ended and not ended:
            self.refresh_bindings()  # r reviews what has ended
            recorder = self.session.recorder  # recorded before this event came: its cost is in
            record = recorder.records.get(event.model) if recorder is not None else None
            pane.state.cost_usd = record.cost_usd if record is not None else None
        if isinstance(event, Failed):
            self.notify(
                f"{event.model}: {error_line(event.error)}",
                title=event.error.title,
                severity="error",
                timeout=10,
                markup=False,
            )

    def _stop(self, message: str, title: str) -> None:
        self._problem = message
        self.notify(message, title=title, severity="error", timeout=15, markup=False)
        for pane in self.panes:
            if not pane.state.ended:
                pane.show_problem(f"run stopped: {message}")

    def _flush(self, everything: bool = False) -> None:
        """Draw the panes: the focused one every tick, the others in turn when many stream.

        Redrawing a scrolling pane costs every visible row, so with 8 fast streams the panes
        the reader is not looking at are drawn 4-12 times a second (staggered) rather than 25.
        A pane whose status changed is drawn at once.
        """
        recorder = self.session.recorder
        if recorder is not None and recorder.problems_version != self._problems_seen:
            self._show_save_problems()
        now = self._clock()
        self._tick += 1
        panes = self.panes
        looked_at = self.maximized if isinstance(self.maximized, RunPane) else self.focused_pane()
        streaming = sum(1 for pane in panes if pane.state.status == "streaming")
        every = min(self.MAX_SKIP, max(1, -(-streaming // 2)))
        for index, pane in enumerate(panes):
            if (
                everything
                or every == 1
                or pane is looked_at
                or (self._tick + index) % every == 0
                or pane.status_changed
            ):
                pane.flush(now)

    def _show_save_problems(self, notify: bool = True) -> None:
        """Mark the panes of the outputs not on disk; notify each new problem."""
        recorder = self.session.recorder
        if recorder is not None:
            self._problems_seen = recorder.problems_version
        known = {p.model for p in self._unsaved}
        self._unsaved = self.session.save_problems()
        later = "s saves it to another folder" + ("" if self._finished else " once the run ends")
        for problem in self._unsaved:
            if problem.model in known or not notify:
                continue
            if problem.model is None:
                message = f"{problem.describe()}; {later}"
            else:
                message = f"{problem.model}: cannot write its output ({problem.error}); the whole "
                message += f"text is kept in memory: {later}"
            self.notify(message, title="Not saved", severity="error", timeout=20, markup=False)
        unsaved = {p.model for p in self._unsaved}
        for pane in self.panes:
            pane.mark_unsaved("not saved" if pane.alias in unsaved else None)
        self.refresh_bindings()

    def _report_unsaved(self) -> None:
        """Once the run has ended: what is still not saved, and how to save it."""
        if not self._unsaved:
            return
        lines = [p.describe() for p in self._unsaved]
        self.notify(
            "\n".join([*lines, "the text is kept in memory: press s to save it to another folder"]),
            title="Not saved",
            severity="error",
            timeout=30,
            markup=False,
        )

    def _show_total(self) -> None:
        self.query_one("#run-total", Static).update(plain(self.total_line()))

    def total_line(self) -> str:
        """``Run partial: 2 succeeded, 1 failed · cost $0.0123 · wall 4.20s · saved to …``."""
        states = [pane.state for pane in self.panes]
        counts = {
            status: sum(1 for s in states if s.status == status)
            for status in ("done", "failed", "cancelled")
        }
        unfinished = len(states) - sum(counts.values())
        outcome = f"{counts['done']} succeeded, {counts['failed']} failed"
        if counts["cancelled"]:
            outcome += f", {counts['cancelled']} cancelled"
        if unfinished:
            outcome += f", {unfinished} did not end"
        parts = [f"Run {self.session.status}: {outcome}"]
        parts.append(f"cost {self._cost()}")
        wall = (
            (self._ended_at or self._clock()) - self._started_at
            if self._started_at is not None
            else None
        )
        if wall is not None:
            parts.append(f"wall {wall:.2f}s" if self.show_timings else "wall #.##s")
        parts.append(self._saved_where())
        line = "  ·  ".join(parts)
        return f"{line}\nrun stopped: {self._problem}" if self._problem else line

    def _cost(self) -> str:
        recorder = self.session.recorder
        if recorder is None:
            return "unknown"
        costs = [r.cost_usd for r in recorder.records.values() if r.cost_usd is not None]
        return f"${sum(costs):.4f}" if costs else "unknown (no usage reported)"

    def _saved_where(self) -> str:
        if self.session.settings.no_disk:
            return "not saved (FIEDLER_NO_DISK=1)"
        path = self.session.run_path
        where = f"saved to {path}" if path is not None else "not saved"
        if not self._unsaved:
            return where
        outputs = sum(1 for p in self._unsaved if p.model is not None)
        missing = [f"{outputs} output{'s' if outputs != 1 else ''}"] if outputs else []
        if any(p.is_summary for p in self._unsaved):
            missing.append("the summary")
        what = " and ".join(missing)
        if self._saved_elsewhere is not None:
            return f"{where}; {what} NOT saved there, saved in {self._saved_elsewhere}"
        return f"{where}; {what} NOT saved: s saves to another folder"

    # -- actions -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "review":  # once a model has ended: its answer can be reviewed
            ended = self._finished or any(pane.state.ended for pane in self._panes.values())
            return True if ended else None
        if action in ("cancel_focused", "cancel_all"):
            return None if self._finished else True
        if action == "save_elsewhere":
            if not self._unsaved:
                return False
            return True if self._finished else None
        return True

    def action_cancel_focused(self) -> None:
        pane = self.focused_pane()
        if pane is None:
            self.notify("focus a pane first", severity="warning")
            return
        if not self.cancel_model(pane.alias):
            self.notify(f"{pane.alias} has already ended", markup=False)

    def action_cancel_all(self) -> None:
        self.cancel_all()

    def action_find(self) -> None:
        """Open the find bar on the focused pane's text (new text is searched as it comes)."""
        pane = self.focused_pane() or (self.panes[0] if self.panes else None)
        if pane is not None:
            self.query_one(FindBar).open(pane.body)

    def on_findable_view_found(self, message: FindableView.Found) -> None:
        bar = self.query_one(FindBar)
        if bar.target is message.view:
            bar.show_count()

    def action_toggle_thinking(self) -> None:
        """Expand or collapse every pane's thinking part (panes with none show nothing)."""
        self.thinking_shown = not self.thinking_shown
        for pane in self.panes:
            pane.thinking.set_expanded(self.thinking_shown)

    def action_toggle_maximise(self) -> None:
        if self.maximized is not None:
            self.minimize()
            return
        pane = self.focused_pane()
        if pane is not None:
            self.maximize(pane, container=False)

    def action_focus_pane(self, number: int) -> None:
        panes = self.panes
        if 1 <= number <= len(panes):
            if self.maximized is not None:
                self.maximized = panes[number - 1]
            panes[number - 1].body.focus()

    def action_scroll_pane(self, lines: int) -> None:
        pane = self.focused_pane()
        if pane is not None:
            pane.body.scroll_relative(y=lines, animate=False)

    def action_focus_neighbour(self, dx: int, dy: int) -> None:
        panes = self.panes
        if not panes:
            return
        if dy and self.maximized is not None:  # one pane shown: up and down scroll it
            self.action_scroll_pane(dy)
            return
        current = self.focused_pane()
        index = panes.index(current) if current is not None else 0
        columns = grid_columns(len(panes))
        target = index + dx + dy * columns
        if 0 <= target < len(panes) and (dy != 0 or target // columns == index // columns):
            self.action_focus_pane(target + 1)

    def action_review(self) -> None:
        """Review the answers; while the run goes on, those of the models that have ended. A
        follow-up that has ended opens its run's Review: each model's thread, at the new turn."""
        aliases = [a for a in self.session.aliases if self._finished or self._panes[a].state.ended]
        if not aliases:
            self.notify("no model has ended yet: r reviews the answers once one has")
            return
        try:
            from fiedler_tui.tui.screens.review import ReviewScreen
        except ImportError:
            self.notify("the Review screen is not available", severity="warning")
            return
        session = self.session
        if isinstance(session, FollowUpSession) and self._finished:
            review = ReviewScreen.from_saved(session.plan.run, at_turn=session.turn)
            self.app.push_screen(review)
            return
        texts = {alias: self.session.text(alias) for alias in aliases}
        try:
            summary = self.session.summary()
        except AssertionError:
            summary = {}
        if not self._finished:
            running = len(self.session.aliases) - len(aliases)
            models = summary.get("models")
            if isinstance(models, list):
                ended = set(aliases)
                summary["models"] = [
                    m for m in models if isinstance(m, dict) and m.get("alias") in ended
                ]
            self.notify(
                f"reviewing the {len(aliases)} model(s) that have ended; {running} still running",
                markup=False,
            )
        thinking = {alias: self.session.thinking(alias) for alias in aliases}
        self.app.push_screen(ReviewScreen(summary, texts, self.session.run_path, thinking=thinking))

    def action_save_elsewhere(self) -> None:
        if not self._unsaved:
            self.notify("everything was saved in the run's folder")
            return
        if not self._finished:
            self.notify("the run is still going: s saves once it has ended", severity="warning")
            return
        from fiedler_tui.tui.screens.save_elsewhere import SaveElsewhereScreen

        count = len(self._unsaved)
        what = f"the {count} file{'s' if count != 1 else ''} not saved"
        default = Path.home() / "fiedler-unsaved" / (self.session.run_id or "run")
        self.app.push_screen(SaveElsewhereScreen(what, default), self._save_to)

    def _save_to(self, folder: Path | None) -> None:
        if folder is not None:
            files = held_files(self._unsaved, self.session.text, self.session.summary)
            self._write_elsewhere(folder, files)

    @work(thread=True, exclusive=True, group="save-elsewhere", exit_on_error=False)
    def _write_elsewhere(self, folder: Path, files: dict[str, str]) -> None:
        """Write in a thread (a slow or failing disk never blocks the screen)."""
        result = save_elsewhere(folder, files)
        self.app.call_from_thread(self._saved, result)

    def _saved(self, result: SavedElsewhere) -> None:
        if result.failed:
            failed = "; ".join(f"{name}: {error}" for name, error in result.failed)
            saved = f" ({len(result.written)} saved)" if result.written else ""
            self.notify(
                f"cannot save in {result.folder}{saved}: {failed}; the text is still in memory: "
                "press s to try another folder",
                title="Not saved",
                severity="error",
                timeout=20,
                markup=False,
            )
            return
        self._saved_elsewhere = result.folder
        names = ", ".join(path.name for path in result.written)
        self.notify(f"saved in {result.folder}: {names}", title="Saved", markup=False)
        if self.is_attached:
            self._show_total()

    def action_back(self) -> None:
        if self.maximized is not None:
            self.minimize()
            return
        if not self._finished:
            if self._leave_asked:  # a second escape: cancel, leave once it has stopped
                self._leave_when_done = True
                self.cancel_all()
                self.notify("cancelling the run; the screen closes once it has stopped")
                return
            self._leave_asked = True
            running = sum(1 for pane in self.panes if not pane.state.ended)
            self.notify(
                f"{counted(running, 'model')} still running: escape again cancels them and leaves; "
                "r reviews the answers that have ended",
                severity="warning",
            )
            return
        if self._unsaved and self._saved_elsewhere is None and not self._leave_warned:
            self._leave_warned = True
            self.notify(
                "some text is not saved and is lost when you leave: s saves it to another "
                "folder; escape again leaves anyway",
                severity="warning",
                timeout=10,
            )
            return
        self.app.pop_screen()
