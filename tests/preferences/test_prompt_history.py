"""Prompt history in Compose: kept and recalled only when saving prompts was opted into."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import OptionList, TextArea

from fiedler_tui.core.locations import user_config_dir, user_data_dir, user_state_dir
from fiedler_tui.core.prompt_history import prompt_history_path
from fiedler_tui.tui.screens.compose import ComposeScreen
from fiedler_tui.tui.screens.pick_one import PickOneScreen
from tests.tui.test_compose import ScreensApp, make_app, project, select_file, settle  # noqa: F401


async def send(pilot: Pilot[None], text: str) -> None:
    prompt = pilot.app.screen.query_one("#prompt", TextArea)
    prompt.load_text(text)
    prompt.focus()
    await settle(pilot)
    await pilot.press("ctrl+s")
    await settle(pilot)


def prompt_text(app: ScreensApp) -> str:
    return app.screen.query_one("#prompt", TextArea).text


async def test_prompts_sent_are_recalled_with_ctrl_up_and_down(project: Path) -> None:  # noqa: F811
    app = make_app(project, save_prompt=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await select_file(pilot, "main.py")
        await send(pilot, "first question")
        await send(pilot, "second question")
        await send(pilot, "first question")  # sent again: moves to the front, kept once
        assert [started[0].prompt for started in app.started] == [
            "first question",
            "second question",
            "first question",
        ]
        app.screen.query_one("#prompt", TextArea).load_text("a draft")
        await pilot.press("ctrl+up")
        await settle(pilot)
        assert prompt_text(app) == "first question"
        await pilot.press("ctrl+up")
        assert prompt_text(app) == "second question"
        await pilot.press("ctrl+up")  # the oldest: stays
        assert prompt_text(app) == "second question"
        await pilot.press("ctrl+down", "ctrl+down")
        assert prompt_text(app) == "a draft"  # back to what was being written
        screen = app.screen
        assert isinstance(screen, ComposeScreen)
        [earlier] = [c for c in screen.palette_commands() if c.name == "Compose: earlier prompts"]
        earlier.callback()  # the palette's list of the prompts kept
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, PickOneScreen)
        options = picker.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert labels == ["first question", "second question"]
        await pilot.press("down", "enter")
        await settle(pilot)
        assert prompt_text(app) == "second question"
        await pilot.press("ctrl+down")
        assert prompt_text(app) == "first question"
    path = prompt_history_path()
    assert path.stat().st_mode & 0o777 == 0o600
    again = make_app(project, save_prompt=True)  # a later session recalls them too
    async with again.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+up")
        await settle(pilot)
        assert prompt_text(again) == "first question"


async def test_nothing_is_kept_without_the_opt_in(project: Path) -> None:  # noqa: F811
    for settings in ({}, {"save_prompt": True, "no_disk": True}):
        app = make_app(project, **settings)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await select_file(pilot, "main.py")
            await send(pilot, "do not keep this prompt")
            assert len(app.started) == 1
            await pilot.press("ctrl+up")
            await settle(pilot)
            assert prompt_text(app) == "do not keep this prompt"
            assert any("prompt history is off" in n.message for n in app._notifications)
        assert not prompt_history_path().exists()
        for folder in (user_state_dir(), user_config_dir(), user_data_dir()):
            for file in folder.rglob("*") if folder.exists() else ():
                if file.is_file():
                    assert b"do not keep this prompt" not in file.read_bytes(), file
