"""Notifications in Compose show at the top right, clear of the budget table and of the list of
reasons not to send."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static, TextArea

from fiedler_tui.tui.widgets.budget_table import BudgetTable

from .test_compose import compose_screen, make_app, project, settle

__all__ = ["project"]  # the fixture, used by name


async def test_a_refused_send_does_not_cover_the_budget_or_the_reasons(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        screen = compose_screen(app)
        screen.query_one("#prompt", TextArea).text = ""
        await pilot.press("ctrl+s")  # refused: the prompt is empty
        await settle(pilot)
        toasts = [w for w in screen.walk_children() if type(w).__name__ == "Toast"]
        assert toasts and all(t.region.height for t in toasts)
        covered = [
            screen.query_one(BudgetTable).region,
            screen.query_one("#blockers", Static).region,
        ]
        assert covered[1].height  # the reasons are listed on screen
        for toast in toasts:
            assert toast.region.y < covered[0].y  # above the budget
            assert not any(toast.region.overlaps(region) for region in covered)
