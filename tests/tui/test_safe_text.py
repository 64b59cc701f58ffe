"""Untrusted text is shown literally: no Rich markup, no terminal control sequences."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.content import Content
from textual.widgets import Static

from fiedler_tui.tui.safe_text import plain, strip_controls

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
