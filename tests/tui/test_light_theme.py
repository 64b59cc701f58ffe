"""The light theme: unfocused borders stand out from the background, focused ones stay primary."""

from __future__ import annotations

from pathlib import Path

from textual.color import Color

from fiedler_tui.tui.widgets.file_picker import FilePicker

from .test_compose import compose_screen, make_app, project, settle

__all__ = ["project"]  # the fixture, used by name


def border_colour(widget: object, background: Color) -> Color:
    colour = widget.styles.border_top[1]  # type: ignore[attr-defined]
    return background + colour  # alpha blended over the background, as drawn


async def test_unfocused_borders_read_on_the_light_theme(project: Path) -> None:
    app = make_app(project)
    async with app.run_test(size=(120, 36)) as pilot:
        app.theme = "fiedler-light"
        await settle(pilot)
        screen = compose_screen(app)
        background = Color.parse("#fafafa")
        assert screen.styles.background == background
        for selector in ("#files", "#models", "#budget"):
            widget = screen.query_one(selector)
            assert not widget.has_focus
            drawn = border_colour(widget, background)
            assert background.brightness - drawn.brightness > 0.3, selector
        picker = screen.query_one(FilePicker)
        picker.focus()
        await pilot.pause()
        primary = Color.parse(app.get_css_variables()["primary"])
        assert picker.styles.border_top[1] == primary
