"""At 80x24 the follow-up dialog says its keys whole (its hints wrap instead of being cut) and
keeps the reasons not to send in view, however many models the preview lists."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.widgets import Input

from fiedler_tui.core.keys import KeyStore
from fiedler_tui.core.simulator.models_yaml import SimulatedModel
from fiedler_tui.core.simulator.script import ModelScript
from fiedler_tui.tui.app import FiedlerApp
from fiedler_tui.tui.screens.compose import prompt_memory
from fiedler_tui.tui.screens.follow_up import FollowUpScreen

from .test_compose import settle
from .test_follow_up import models
from .test_run_screen_support import review_after_run, run_world, wait_until


def screen_text(app: App[None]) -> str:
    """Every character on the terminal now, borders left out."""
    strips = app.screen._compositor.render_strips()
    return " ".join("".join(s.text for s in strip).strip(" │") for strip in strips)


async def test_follow_up_dialog_says_enter_and_esc_whole_at_80_columns(tmp_path: Path) -> None:
    async with run_world(tmp_path, models()) as world:
        session = world.session(["fast"], no_disk=False)
        app = world.app(session)
        async with app.run_test(size=(80, 24)) as pilot:
            await review_after_run(pilot, world, session)
            await pilot.press("f")
            await settle(pilot)
            assert isinstance(app.screen, FollowUpScreen)
            shown = " ".join(screen_text(app).split())
            assert "enter again sends; esc cancels" in shown


async def test_reasons_not_to_send_stay_in_view_with_five_models_at_80x24(tmp_path: Path) -> None:
    five = [
        SimulatedModel(name=f"model{i}", script=ModelScript(reply="Fine. " * 5), price_out=60)
        for i in range(5)
    ]
    async with run_world(tmp_path, five) as world:
        session = world.session([m.name for m in five], no_disk=False)
        app = FiedlerApp(
            settings=world.settings(FIEDLER_MAX_COST_USD="0.0001"),
            config=world.config,
            keystore=KeyStore(env={}),
            start_screen=False,
        )
        async with app.run_test(size=(80, 24)) as pilot:
            prompt_memory(app).remember("please review")  # sent from this app session
            await review_after_run(pilot, world, session)
            await pilot.press("F")
            modal = app.screen
            assert isinstance(modal, FollowUpScreen)
            modal.query_one("#follow-up-question", Input).value = "and the tests?"
            await pilot.press("enter")
            await wait_until(pilot, lambda: modal.preview is not None and not modal._busy)
            assert modal.preview is not None and not modal.preview.sendable
            await settle(pilot)
            shown = " ".join(screen_text(app).split())
            assert "cannot send: worst-case cost" in shown and "FIEDLER_MAX_COST_USD" in shown
            assert "esc cancels" in shown
