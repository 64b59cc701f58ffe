"""A follow-up to a run sent from this app session takes the run's prompt from the app's memory:
it was not saved (only its sha256), yet the dialog does not ask for it again."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from fiedler_tui.core.store.run_store import RunStore
from fiedler_tui.tui.screens.compose import prompt_memory
from fiedler_tui.tui.screens.follow_up import FollowUpScreen
from fiedler_tui.tui.screens.review import ReviewScreen
from fiedler_tui.tui.screens.run import RunScreen

from .test_compose import settle
from .test_follow_up import models
from .test_run_screen_support import run_world, wait_until


async def test_follow_up_of_a_prompt_sent_in_this_session_is_not_asked_again(
    tmp_path: Path,
) -> None:
    async with run_world(tmp_path, models()) as world:
        session = world.session(["fast"], no_disk=False)
        app = world.app(session)
        async with app.run_test(size=(150, 40)) as pilot:
            prompt_memory(app).remember("please review")  # as Compose does when it sends
            first = RunScreen(session)
            await app.push_screen(first)
            await wait_until(pilot, lambda: first.finished)
            assert session.run_id is not None
            info = RunStore(world.output_dir).find(session.run_id)
            assert "text" not in info.summary["prompt"]  # only its sha256 was saved
            await app.push_screen(ReviewScreen.from_saved(info))
            await settle(pilot)

            await pilot.press("f")
            modal = app.screen
            assert isinstance(modal, FollowUpScreen)
            modal.query_one("#follow-up-question", Input).value = "why 42?"
            await pilot.press("enter")
            await wait_until(pilot, lambda: modal.preview is not None and not modal._busy)
            assert modal.preview is not None and not modal.preview.needs_prompt
            assert modal.preview.sendable
            assert not modal.query_one("#follow-up-first-prompt", Input).display
            shown = str(modal.query_one("#follow-up-preview", Static).render())
            assert "fast: " in shown and "(3 messages" in shown
