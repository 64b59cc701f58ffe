"""Run screen: the answers that have ended can be reviewed while others still stream, and escape
pressed twice leaves a run that is still going (cancelling it)."""

from __future__ import annotations

from pathlib import Path

from fiedler_tui.tui.screens.review import ReviewScreen
from fiedler_tui.tui.screens.run import RunScreen

from .test_run_screen import LONG, REPLY, model, notifications
from .test_run_screen_support import run_world, wait_until


async def test_review_shows_the_models_that_have_ended_while_one_streams(tmp_path: Path) -> None:
    models = [model("fast"), model("slow", LONG, tokens_per_s=40)]
    async with run_world(tmp_path, models) as world:
        session = world.session(["fast", "slow"])
        app = world.app(session)
        async with app.run_test(size=(120, 30)) as pilot:
            screen = RunScreen(session)
            await app.push_screen(screen)
            await wait_until(pilot, lambda: screen.pane("fast").state.ended)
            assert not screen.pane("slow").state.ended
            await pilot.press("r")
            await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
            review = app.screen
            assert isinstance(review, ReviewScreen)
            assert review.aliases == ["fast"] and review.texts == {"fast": REPLY}
            assert [r.alias for r in review.records] == ["fast"]
            assert any("1 still running" in m for m in notifications(screen))
            await pilot.press("escape")  # back to the run, still going
            await pilot.pause()
            assert app.screen is screen and not screen.finished
            screen.cancel_all()
            await wait_until(pilot, lambda: screen.finished)


async def test_review_waits_until_a_model_has_ended(tmp_path: Path) -> None:
    async with run_world(tmp_path, [model("slow", LONG, tokens_per_s=40)]) as world:
        session = world.session(["slow"])
        app = world.app(session)
        async with app.run_test(size=(120, 30)) as pilot:
            screen = RunScreen(session)
            await app.push_screen(screen)
            await wait_until(pilot, lambda: screen.pane("slow").state.chars > 0)
            assert screen.check_action("review", ()) is None  # shown, dimmed
            await pilot.press("r")
            await pilot.pause()
            assert app.screen is screen
            screen.cancel_all()
            await wait_until(pilot, lambda: screen.pane("slow").state.ended)
            assert screen.check_action("review", ()) is True
            await wait_until(pilot, lambda: screen.finished)


async def test_escape_twice_cancels_the_run_and_leaves_once_it_stopped(tmp_path: Path) -> None:
    async with run_world(tmp_path, [model("slow", LONG, tokens_per_s=40)]) as world:
        session = world.session(["slow"])
        app = world.app(session)
        async with app.run_test(size=(120, 30)) as pilot:
            screen = RunScreen(session)
            await app.push_screen(screen)
            await wait_until(pilot, lambda: screen.pane("slow").state.chars > 0)
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is screen and not screen.finished  # only a warning
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.screen is not screen)
            assert screen.finished and screen.pane("slow").state.status == "cancelled"
