"""Compose's footer at 80 columns keeps f1 Help and f2 Keys in view while the file tree has the
focus: the tree's own keys (space, a), named in its border, are left out of it until 120."""

from __future__ import annotations

from pathlib import Path

from fiedler_tui.core.config.loader import parse_config
from fiedler_tui.tui.widgets.file_picker import FilePicker

from .test_compose import compose_screen, make_app, settle
from .test_small_terminal import footer_keys
from .test_snapshots_small import FIVE_MODELS, small_project


async def test_tree_focused_footer_keeps_help_and_keys_at_80_columns(tmp_path: Path) -> None:
    app = make_app(small_project(tmp_path), config=parse_config(FIVE_MODELS, "test"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("tab")
        await settle(pilot)
        assert isinstance(app.focused, FilePicker)
        keys = footer_keys(app)
        assert {"ctrl+s", "f1", "f2"} <= set(keys)
        assert all(right <= 80 for _, right in keys.values())
        assert "space" not in keys
        await pilot.press("space")  # still a key: it selects the files under the cursor
        await settle(pilot)
        assert compose_screen(app).query_one(FilePicker).selected
        await pilot.resize_terminal(160, 40)
        await settle(pilot)
        assert {"space", "a", "f1", "f2"} <= set(footer_keys(app))
