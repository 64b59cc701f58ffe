"""Untrusted text is shown literally: no Rich markup, no terminal control sequences."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.content import Content
from textual.widgets import Static

from fiedler_tui.tui.safe_text import plain, strip_controls, visible

HOSTILE = (
    "[red]red?[/red] [link=https://evil.example]link[/link] [@click=app.quit]quit[/]\n"
    "\x1b]52;c;ZXZpbA==\x07osc52 \x1b[2Jclear \x1b[31mred\x1b[0m bell\x07 c1\x9b2J tab\tend"
)


def test_control_sequences_are_removed_but_text_kept() -> None:
    cleaned = strip_controls(HOSTILE)
    assert "\x1b" not in cleaned and "\x07" not in cleaned and "\x9b" not in cleaned
    assert "osc52 clear red bell c12J tab\tend" in cleaned
    assert "ZXZpbA" not in cleaned  # the clipboard payload goes with its sequence
    assert cleaned.startswith("[red]red?[/red]")


async def test_markup_is_displayed_literally_and_never_acted_on() -> None:
    class Probe(App[None]):
        def compose(self) -> ComposeResult:
            yield Static(plain(HOSTILE), id="probe")

    app = Probe()
    async with app.run_test(size=(200, 10)) as pilot:
        where = HOSTILE.index("[@click=app.quit]") + len("[@click=app.quit]") + 1
        await pilot.click("#probe", offset=(where, 0))  # on the word the tag would make a link
        await pilot.pause()
        assert app.is_running  # the [@click=app.quit] text did not quit the app
        rendered = app.query_one("#probe", Static).render()
        assert (
            isinstance(rendered, Content) and rendered.spans == []
        )  # no style, no link, no action
        text = str(rendered)
        assert "[red]red?[/red]" in text
        assert "[link=https://evil.example]" in text
        assert "[@click=app.quit]" in text


OUTSIDE = "evil\x1b]52;c;ZXZpbA==\x07\x1b[2J\x9b2J [link=https://evil.example]x[/link] [/] rtl\u202etxt.exe"
RAW_CONTROLS = ("\x1b", "\x07", "\x9b", "\u202e")


def test_labels_show_controls_as_visible_escapes_from_one_core_definition() -> None:
    from fiedler_tui.core.terminal_text import escape_controls

    shown = plain(OUTSIDE).plain
    assert shown == escape_controls(OUTSIDE) == visible(OUTSIDE)
    assert not any(c in shown for c in RAW_CONTROLS)
    assert "evil\\x1b]52;c;ZXZpbA==\\x07\\x1b[2J\\u009b2J" in shown
    assert "rtl\\u202etxt.exe" in shown  # the override is seen, not obeyed
    assert "[link=https://evil.example]x[/link] [/]" in shown
    assert "\u202e" not in strip_controls(OUTSIDE)  # answers drop it with the other controls


async def test_a_hostile_file_name_and_notification_are_shown_literally(tmp_path: Path) -> None:
    from fiedler_tui.tui.widgets.file_picker import FilePicker

    from .test_compose import compose_screen, make_app, settle

    root = tmp_path / "project"
    root.mkdir()
    name = "a\x1b[2J[link=evil.example]b[@click=app.quit]c\u202ed.py"  # no "/" in a name
    (root / name).write_text("x = 1\n")
    app = make_app(root)
    async with app.run_test(size=(160, 36)) as pilot:
        await settle(pilot)
        picker = compose_screen(app).query_one(FilePicker)
        node = await picker.reveal(str(root / name))
        assert node is not None
        label = node.label
        assert "[2J[link=evil.example]b[@click=app.quit]c\\u202ed.py" in label.plain
        assert not any(c in label.plain for c in RAW_CONTROLS)
        assert all("link" not in str(span.style) for span in label.spans)
        assert all("@click" not in str(span.style) for span in label.spans)
        app.notify(OUTSIDE, title="from \x1b[2Jserver")
        await pilot.pause()
        [note] = [n for n in app._notifications if "evil" in n.message]
        assert note.message == visible(OUTSIDE) and note.title == "from \\x1b[2Jserver"
        assert not note.markup
