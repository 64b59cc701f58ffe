"""Regressions: a toggle not yet seen by Compose never sends the old package; notifications are
always literal (no markup, no terminal control sequences), whoever raises them."""

from __future__ import annotations

from pathlib import Path

from fiedler_tui.core.config.loader import load_config
from fiedler_tui.core.keys import KeyStore
from fiedler_tui.core.settings import Settings
from fiedler_tui.tui.app import FiedlerApp
from fiedler_tui.tui.widgets.file_picker import FilePicker

from .test_compose import compose_screen, make_app, select_file, settle, type_prompt
from .test_compose import project as project


async def test_a_toggle_still_in_flight_makes_the_preview_stale(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = compose_screen(app)
        await select_file(pilot, "util.py")
        await select_file(pilot, "main.py")
        await type_prompt(pilot, "hi")
        await pilot.pause(0.4)
        await settle(pilot)
        assert screen.fresh, screen.send_problems()
        picker = screen.query_one(FilePicker)
        picker.action_toggle_selected()  # deselect main.py (the cursor is on it)...
        screen.action_send()  # ...and send before Compose has handled the change
        await settle(pilot)
        selected = len(picker.selected)
        assert selected == 1
        for result, _aliases in app.started:
            assert len(result.preview.files) == selected  # never the package with main.py


async def test_notifications_are_literal_whoever_raises_them() -> None:
    app = FiedlerApp(
        settings=Settings.from_env({}),
        config=load_config(None, {}),
        keystore=KeyStore(env={}),
        start_screen=False,
    )
    async with app.run_test() as pilot:
        hostile = "boom [b]x[/b] [@click=app.quit]q[/] \x1b]52;c;ZXZpbA==\x07 \x1b[2J [/]"
        app.notify(hostile, title="[red]t\x1b[31m", markup=True)
        app.screen.notify("from a screen \x1b[2J [/]")
        await pilot.pause()
        messages = [(n.title, n.message) for n in app._notifications]
        shown = "boom [b]x[/b] [@click=app.quit]q[/] \\x1b]52;c;ZXZpbA==\\x07 \\x1b[2J [/]"
        assert ("[red]t\\x1b[31m", shown) in messages  # controls visible, never acted on
        assert ("", "from a screen \\x1b[2J [/]") in messages
        assert all(not n.markup for n in app._notifications)
        assert app.is_running
