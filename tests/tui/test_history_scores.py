"""History's scoreboard (s): the figures of known ratings over the filter's period."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input

from fiedler_tui.tui.screens.history import HistoryScreen
from fiedler_tui.tui.screens.scores import ScoresScreen

from ..scores.rated_runs import four_rated_runs
from .test_compose import make_app, screen_after_key, settle


def table_rows(screen: ScoresScreen) -> list[list[str]]:
    table = screen.query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_scores_from_history_over_all_runs_then_the_filtered_period(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    four_rated_runs(tmp_path / "runs")
    app = make_app(project, start=HistoryScreen)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await screen_after_key(pilot, "s", ScoresScreen)
        assert table_rows(screen) == [
            ["alpha", "4", "2", "3.50", "4", "$0.8000", "$0.4000"],
            ["beta", "4", "1", "3.75", "4", "$0.2000", "$0.2000"],
            ["gamma", "1", "0", "–", "0", "$0.0100", "–"],
        ]
        assert str(screen.query_one(DataTable).border_title) == "Scores: all runs"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("slash")
        app.screen.query_one("#history-filter", Input).value = "since:2026-11-10 until:2026-12-01"
        await pilot.press("enter")
        screen = await screen_after_key(pilot, "s", ScoresScreen)
        assert str(screen.query_one(DataTable).border_title) == (
            "Scores: runs from 2026-11-10 to 2026-12-01"
        )
        assert table_rows(screen) == [
            ["beta", "2", "1", "5.00", "2", "$0.1000", "$0.1000"],
            ["alpha", "2", "1", "3.50", "2", "$0.6000", "$0.6000"],
            ["gamma", "1", "0", "–", "0", "$0.0100", "–"],
        ]


async def test_scores_say_when_nothing_is_rated(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    app = make_app(project, start=HistoryScreen)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await screen_after_key(pilot, "s", ScoresScreen)
        assert table_rows(screen) == []
        help_line = str(screen.query_one("#scores-help").render())
        assert help_line.startswith("no rated runs (all runs)")
