"""What Review adds to judge a run's answers: blind mode, ratings, a winner, and a diff.

:class:`JudgingScreen` is the base of :class:`~fiedler_tui.tui.screens.review.ReviewScreen`:
its keys (``b`` blind or reveal, ``1``-``5`` rate the focused answer, ``w`` winner, ``d`` diff of
the two side-by-side answers), its state and its actions. Ratings are saved with the run as
``ratings.json`` (:mod:`fiedler_tui.core.scores.ratings`) in a thread, and the runs index is
told; a run kept in memory only keeps them for as long as it is shown.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static

from fiedler_tui.core.scores.ratings import Ratings, RatingsError, load_ratings, save_ratings
from fiedler_tui.tui.answer_diff import AnswerDiff, compare
from fiedler_tui.tui.review_blind import BlindReview
from fiedler_tui.tui.safe_text import plain, visible
from fiedler_tui.tui.widgets.diff_view import DiffView
from fiedler_tui.tui.widgets.errors import notify_error
from fiedler_tui.tui.widgets.output_pane import OutputPane

SUMMARY_COLUMNS = (
    "model", "status", "cost", "input used / est.", "output", "finish", "ttft", "total", "tok/s",
    "error",
)  # fmt: skip
"""By importance (a rated run's rating comes after the status): on a narrow terminal the last
ones are those cut."""
BLIND_COLUMNS = ("answer", "status", "rating", "winner")
_SAVE_LOCK = threading.Lock()


class JudgingScreen(Screen[None]):
    """Blind mode, ratings and the diff view of Review (the subclass shows the answers)."""

    BINDINGS = [
        Binding(
            "b",
            "toggle_blind",
            "Blind",
            id="review-blind",
            show=False,
            tooltip="Hide the model names (shuffled letters) to rate the answers; again: reveal",
        ),
        *(
            Binding(
                str(n),
                f"rate({n})",
                f"Rate {n}",
                id=f"review-rate-{n}",
                show=False,
                tooltip=f"Rate this pane's answer {n} of 5",
            )
            for n in range(1, 6)
        ),
        Binding(
            "w",
            "pick_winner",
            "Winner",
            id="review-winner",
            show=False,
            tooltip="This pane's answer is the run's winner (again: no winner)",
        ),
        Binding(
            "d",
            "toggle_diff",
            "Diff",
            id="review-diff",
            show=False,
            tooltip="Compare the two side-by-side answers word by word (again: back)",
        ),
    ]

    # Set by the subclass.
    aliases: list[str]
    texts: dict[str, str]
    folder: Path | None
    records: Sequence[Any]
    shown: list[int]
    split: bool

    class RatingsLoaded(Message):
        def __init__(self, ratings: Ratings | None, problem: str) -> None:
            super().__init__()
            self.ratings = ratings
            self.problem = problem

    class DiffReady(Message):
        def __init__(self, token: int, left: str, right: str, diff: AnswerDiff) -> None:
            super().__init__()
            self.token = token
            self.left = left
            self.right = right
            self.diff = diff

    def setup_judging(self) -> None:
        """Call once ``aliases`` and ``records`` are set: the letters are drawn now."""
        self.blind = BlindReview.shuffled(self.aliases, self.records)
        self.diff_on = False
        self._diff_token = 0
        self._memory_note = False
        self._errors_shown = False

    # ---- what the subclass provides ---------------------------------------------------------

    def _panes(self) -> tuple[OutputPane, OutputPane]:
        raise NotImplementedError

    def _active(self) -> int:
        raise NotImplementedError

    def _row(self, record: Any) -> list[Text]:
        raise NotImplementedError

    def _status(self, alias: str) -> str:
        raise NotImplementedError

    async def _show_panes(self, sides: tuple[int, ...] = (0, 1), keep_place: bool = False) -> None:
        raise NotImplementedError

    async def action_toggle_split(self) -> None:
        raise NotImplementedError

    # ---- names and ratings on screen ----------------------------------------------------

    def pane_label(self, alias: str) -> str:
        """The pane title's name: the letter while blind, else the alias; and the rating."""
        rating = self.blind.rating_text(alias)
        name = self.blind.label(alias)
        return f"{name} {rating}" if rating else name

    def shown_text(self, text: str) -> str:
        return self.blind.mask(text)

    def fill_summary(self) -> None:
        """The summary table: per model, or while blind per letter (status and rating only)."""
        table = self.query_one("#review-summary", DataTable)
        table.clear(columns=True)
        blind = self.blind
        if blind.active:
            table.add_columns(*BLIND_COLUMNS)
            for alias in blind.order(self.aliases):
                value = blind.ratings.ratings.get(alias)
                table.add_row(
                    plain(blind.label(alias)),
                    plain(self._status(alias) or "?"),
                    plain("–" if value is None else "★" * value + "☆" * (5 - value)),
                    plain("winner" if blind.ratings.winner == alias else ""),
                )
            return
        rated = not blind.ratings.empty
        columns = list(SUMMARY_COLUMNS)
        if rated:
            columns.insert(2, "rating")
        table.add_columns(*columns)
        for record in self.records:
            row = self._row(record)
            if rated:
                alias = getattr(record, "alias", None) or "?"
                row.insert(2, plain(blind.rating_text(alias) or "–"))
            table.add_row(*row)

    def _blind_line(self) -> None:
        line = self.query_one("#review-blind", Static)
        blind = self.blind

        def was(alias: str) -> str:  # its letter, once blind mode was used in this viewing
            return f" (was {blind.letters.get(alias, '?')})" if blind.used else ""

        if blind.active:
            line.update(plain(blind.status_line(self.rateable())))
        elif not blind.ratings.empty:
            parts = [
                f"{alias}{was(alias)}: {blind.rating_text(alias)}"
                for alias in blind.order(self.aliases)
                if blind.rating_text(alias)
            ]
            line.update(plain("ratings: " + " · ".join(parts) + " · b rates blind again"))
        line.display = blind.active or not blind.ratings.empty

    async def _refresh_judging(self) -> None:
        self.fill_summary()
        self._blind_line()
        await self._show_panes(keep_place=True)

    # ---- blind mode --------------------------------------------------------------------------

    async def action_toggle_blind(self) -> None:
        if self.blind.active:
            await self._reveal("names revealed")
            return
        if len(self.aliases) < 2:
            self.notify("one answer: nothing to compare blind", severity="warning")
            return
        self.blind.active = self.blind.used = True
        self.app.clear_notifications()  # an earlier one may name the models
        errors = self.query_one("#review-errors")
        self._errors_shown = bool(errors.display)
        errors.display = False  # its lines name the models and providers
        self.aliases[:] = self.blind.order(self.aliases)  # gone through in letter order
        self.shown[:] = [0, 1]
        await self._refresh_judging()
        self.notify("blind: 1-5 rates the focused answer, w picks the winner, b reveals")

    async def _reveal(self, why: str) -> None:
        blind = self.blind
        blind.active = False
        self.query_one("#review-errors").display = self._errors_shown
        await self._refresh_judging()
        pairs = ", ".join(f"{blind.letters[a]} = {a}" for a in blind.order(self.aliases))
        self.notify(visible(f"{why}: {pairs}"), title="Blind rating", timeout=12, markup=False)

    def refuse_while_blind(self, what: str) -> bool:
        """True (and says why) while names are hidden: ``what`` would show them."""
        if self.blind.active:
            self.notify(f"{what} would show the model names: press b to reveal them first")
        return self.blind.active

    # ---- ratings --------------------------------------------------------------------------

    def rateable(self) -> list[str]:
        """The answers rating all of which reveals the names: those of models that did not
        fail or get cancelled (all of them when none is left)."""
        ended = [a for a in self.aliases if self._status(a) not in ("failed", "cancelled")]
        return ended or list(self.aliases)

    def _focused_alias(self) -> str | None:
        return self._panes()[self._active()].alias

    async def action_rate(self, value: int) -> None:
        alias = self._focused_alias()
        if alias is None or alias not in self.aliases:
            return
        blind = self.blind
        ratings = blind.ratings.rated(alias, value)
        blind.ratings = Ratings(ratings.ratings, ratings.winner, blind.active or ratings.blind)
        await self._ratings_changed(f"{blind.label(alias)} rated {value}/5")

    async def action_pick_winner(self) -> None:
        alias = self._focused_alias()
        if alias is None or alias not in self.aliases:
            return
        blind = self.blind
        picked = None if blind.ratings.winner == alias else alias
        blind.ratings = blind.ratings.with_winner(picked)
        said = f"{blind.label(alias)} is the winner" if picked else "no winner picked"
        await self._ratings_changed(said)

    async def _ratings_changed(self, said: str) -> None:
        self._save_ratings()
        if self.blind.active and self.blind.all_rated(self.rateable()):
            await self._reveal("every answer rated, names revealed")
            return
        await self._refresh_judging()
        self.notify(visible(said), markup=False)

    def _save_ratings(self) -> None:
        if self.folder is None:
            if not self._memory_note:
                self._memory_note = True
                self.notify(
                    "this run is kept in memory only: its ratings are not saved",
                    severity="warning",
                )
            return
        self._write_ratings(self.folder)

    @work(thread=True, group="review-ratings", exit_on_error=False)
    def _write_ratings(self, folder: Path) -> None:
        from fiedler_tui.core.scores.index import index_run_quietly

        with _SAVE_LOCK:  # the newest ratings, written last
            try:
                save_ratings(folder, self.blind.ratings)
            except OSError as exc:
                self.app.call_from_thread(notify_error, self, exc, "Cannot save the ratings")
                return
            index_run_quietly(folder)

    def read_ratings(self) -> None:
        if self.folder is not None:
            self._read_ratings(self.folder)

    @work(thread=True, group="review-ratings-read", exit_on_error=False)
    def _read_ratings(self, folder: Path) -> None:
        try:
            self.post_message(self.RatingsLoaded(load_ratings(folder), ""))
        except RatingsError as exc:
            self.post_message(self.RatingsLoaded(None, str(exc)))

    @on(RatingsLoaded)
    async def _ratings_loaded(self, message: RatingsLoaded) -> None:
        if message.problem:
            self.notify(visible(message.problem), title="Ratings not read", severity="warning")
        if message.ratings is None or message.ratings.empty or not self.blind.ratings.empty:
            return
        self.blind.ratings = message.ratings
        await self._refresh_judging()

    # ---- diff ------------------------------------------------------------------------------

    async def action_toggle_diff(self) -> None:
        panes = self.query_one("#review-panes")
        view = self.query_one("#review-diff", DiffView)
        summary = self.query_one("#review-summary")
        if self.diff_on:
            self.diff_on = False
            view.display = False
            panes.display = summary.display = True
            self._panes()[0].view.focus()
            return
        if len(self.aliases) < 2:
            self.notify("one answer: nothing to compare", severity="warning")
            return
        if not self.split:
            await self.action_toggle_split()
        self.diff_on = True
        panes.display = summary.display = False  # the whole height for the text
        view.display = True
        view.scroller.focus()
        self.compare_shown()

    def compare_shown(self) -> None:
        """Compare the two answers shown side by side (in a thread), when the diff is on."""
        if not self.diff_on or len(self.aliases) < 2:
            return
        left, right = (self.aliases[i] for i in self.shown)
        names = (self.blind.label(left), self.blind.label(right))
        texts = (
            self.shown_text(self.texts.get(left, "")),
            self.shown_text(self.texts.get(right, "")),
        )
        self._diff_token += 1
        self.query_one("#review-diff", DiffView).waiting(*names)
        self._compare(self._diff_token, names, texts)

    @work(thread=True, exclusive=True, group="review-diff", exit_on_error=False)
    def _compare(self, token: int, names: tuple[str, str], texts: tuple[str, str]) -> None:
        self.post_message(self.DiffReady(token, *names, compare(*texts)))

    @on(DiffReady)
    def _diff_ready(self, message: DiffReady) -> None:
        if message.token == self._diff_token and self.diff_on:
            self.query_one("#review-diff", DiffView).show(message.left, message.right, message.diff)
