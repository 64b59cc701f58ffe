"""At 80x24 the follow-up dialog says its keys whole (its hints wrap instead of being cut)."""

from __future__ import annotations

from pathlib import Path

from fiedler_tui.core.store.run_store import RunStore
from fiedler_tui.tui.screens.follow_up import FollowUpScreen
from fiedler_tui.tui.screens.review import ReviewScreen
from fiedler_tui.tui.screens.run import RunScreen

from .test_compose import settle
from .test_follow_up import models
from .test_run_screen_support import run_world, wait_until


async def test_follow_up_dialog_says_enter_and_esc_whole_at_80_columns(tmp_path: Path) -> None:
    async with run_world(tmp_path, models()) as world:
        session = world.session(["fast"], no_disk=False)
        app = world.app(session)
        async with app.run_test(size=(80, 24)) as pilot:
            first = RunScreen(session)
            await app.push_screen(first)
            await wait_until(pilot, lambda: first.finished)
            assert session.run_id is not None
            info = RunStore(world.output_dir).find(session.run_id)
            await app.push_screen(ReviewScreen.from_saved(info))
            await settle(pilot)
            await pilot.press("f")
            await settle(pilot)
            assert isinstance(app.screen, FollowUpScreen)
            strips = app.screen._compositor.render_strips()
            shown = " ".join("".join(s.text for s in strip).strip(" │") for strip in strips)
            assert "enter again sends; esc cancels" in " ".join(shown.split())
