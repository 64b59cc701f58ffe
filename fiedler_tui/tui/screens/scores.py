"""The scoreboard, from History (``s``): per model, runs rated, wins, mean rating, cost per win.

The period is the one History's filter names (``since:`` and ``until:``; none: all runs). The
figures are those of ``fiedler scores``, served by the runs index (brought up to date with the
run folders first) in a thread worker.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static
from textual.worker import Worker, WorkerState

from fiedler_tui.core.scores.board import ModelScore, Period
from fiedler_tui.core.scores.index import load_scores
from fiedler_tui.tui.safe_text import plain
from fiedler_tui.tui.widgets.errors import notify_error

COLUMNS = ("model", "runs rated", "wins", "mean rating", "ratings", "cost", "cost per win")


def filter_period(terms: tuple[tuple[str, str], ...]) -> Period:
    """The period of History's ``since:`` and ``until:`` terms (the last of each)."""
    ends: dict[str, date] = {}
    for key, value in terms:
        if key in ("since", "until"):
            try:
                ends[key] = date.fromisoformat(value)
            except ValueError:
                continue
    return Period(ends.get("since"), ends.get("until"))


def score_row(score: ModelScore) -> list[str]:
    mean = "–" if score.mean_rating is None else f"{score.mean_rating:.2f}"
    per_win = "–" if score.cost_per_win is None else f"${score.cost_per_win:.4f}"
    return [
        score.alias,
        str(score.runs_rated),
        str(score.wins),
        mean,
        str(score.ratings),
        f"${score.cost_usd:.4f}",
        per_win,
    ]


class ScoresScreen(Screen[None]):
    """The scoreboard over a period."""

    PALETTE_PREFIX = "Scores"
    AUTO_FOCUS = "#scores-table"
    BINDINGS = [
        Binding("f5", "refresh", "Refresh", id="scores-refresh"),
        Binding("escape", "back", "Back", id="scores-back"),
    ]

    class Loaded(Message):
        def __init__(self, scores: list[ModelScore], note: str) -> None:
            super().__init__()
            self.scores = scores
            self.note = note

    def __init__(self, root: Path | None, period: Period) -> None:
        """``root``: the runs folder (None: runs are not saved)."""
        super().__init__()
        self.root = root
        self.period = period

    def compose(self) -> ComposeResult:
        yield Static(id="scores-help")
        yield DataTable(id="scores-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.border_title = f"Scores: {self.period.describe()}"
        table.add_columns(*COLUMNS)
        self.action_refresh()

    def _help(self, text: str) -> None:
        self.query_one("#scores-help", Static).update(plain(text))

    def action_refresh(self) -> None:
        if self.root is None:
            self._help("FIEDLER_NO_DISK=1: runs are not saved, so none is rated")
            return
        self._help(f"reading the ratings of the runs in {self.root}…")
        self._load(self.root, self.period)

    @work(thread=True, exclusive=True, group="scores-load", exit_on_error=False)
    def _load(self, root: Path, period: Period) -> None:
        scores, note = load_scores(root, period)
        self.post_message(self.Loaded(scores, note))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for score in message.scores:
            table.add_row(*(plain(cell) for cell in score_row(score)))
        what = self.period.describe()
        if message.scores:
            line = (
                f"{what}, rated in Review's blind mode (b) · the period is History's "
                "since: and until: filter terms"
            )
        else:
            line = f"no rated runs ({what}): rate answers in Review's blind mode (b)"
        notes = " · ".join(message.note.splitlines())
        self._help(f"{line} · {notes}" if notes else line)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            notify_error(self, event.worker.error, "Cannot read the scores")

    def action_back(self) -> None:
        self.app.pop_screen()
