"""The order ``tab`` walks Compose in: from the prompt, where typing starts, to the files."""

from __future__ import annotations

from pathlib import Path

from fiedler_tui.tui.widgets.file_picker import FilePicker

from .test_compose import compose_screen, make_app, project, settle

__all__ = ["project"]  # the fixture, used by name


async def test_tab_goes_from_the_prompt_to_the_files_then_the_models(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = compose_screen(app)
        assert app.focused is not None and app.focused.id == "prompt"
        await pilot.press("tab")
        assert app.focused is not None and app.focused.id == "files"
        await pilot.press("tab")
        assert app.focused is not None and app.focused.id == "models"
        await pilot.press("shift+tab", "shift+tab")
        assert app.focused is not None and app.focused.id == "prompt"
        await pilot.press("tab", "down", "space")  # the tree's first file, picked after typing
        assert screen.query_one(FilePicker).selected
