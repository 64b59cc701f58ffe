"""The Run screen's text view: wrapping, incremental appends, literal display."""

from __future__ import annotations

import random

import pytest
from rich.cells import cell_len
from textual.app import App, ComposeResult

from fiedler_tui.tui.widgets.run_text import RunText, wrap

SAMPLES = [
    "",
    "short",
    "a" * 95,
    "word " * 40,
    "x" * 10 + " " + "y" * 30,
    "日本語のテキストとスペース " * 6,
    "mixed ascii 和文 words and emoji 🎉🎉 again " * 5,
    "   leading and trailing spaces   " * 3,
]


@pytest.mark.parametrize("text", SAMPLES)
@pytest.mark.parametrize("width", [1, 2, 7, 20])
def test_wrap_keeps_every_character_and_fits(text: str, width: int) -> None:
    rows = wrap(text, width)
    assert "".join(rows) == text
    for row in rows:
        body = row.rstrip(" ")
        assert cell_len(body) <= width or len(body) == 1


def test_wrap_breaks_at_spaces() -> None:
    assert wrap("the quick brown fox", 10) == ["the quick ", "brown fox"]
    assert wrap("abcdefghij", 4) == ["abcd", "efgh", "ij"]


class TextApp(App[None]):
    def compose(self) -> ComposeResult:
        yield RunText(id="text")


def rows_of(widget: RunText) -> list[str]:
    return [*widget._rows, widget._tail]


async def test_appending_in_pieces_wraps_like_appending_at_once() -> None:
    rng = random.Random(7)
    words = ["alpha", "be", "gamma-delta", "ε", "和文字", "x" * 50, "\n", "\t", " "]
    text = "".join(rng.choice(words) + rng.choice(["", " ", "  "]) for _ in range(1500))
    async with TextApp().run_test(size=(40, 12)) as pilot:
        widget = pilot.app.query_one(RunText)
        position = 0
        while position < len(text):
            step = rng.randint(1, 40)
            widget.append(text[position : position + step])
            position += step
        await pilot.pause()
        pieces = widget
        whole = RunText()
        whole._wrap_width = pieces._wrap_width
        assert pieces._wrap_width == pilot.app.query_one(RunText).scrollable_content_region.width
        for line in text.replace("\t", "    ").split("\n")[:-1]:
            whole._rows.extend(wrap(line, whole._wrap_width))
        last = wrap(text.replace("\t", "    ").split("\n")[-1], whole._wrap_width)
        whole._rows.extend(last[:-1])
        whole._tail = last[-1]
        assert rows_of(pieces) == rows_of(whole)
        assert pieces.text == text.replace("\t", "    ")
        # Following the end: the last row is visible.
        assert pieces.scroll_offset.y == pieces.max_scroll_y > 0


async def test_resize_rewraps_and_keeps_the_text() -> None:
    text = "lorem ipsum dolor sit amet " * 60 + "\nend"
    async with TextApp().run_test(size=(60, 10)) as pilot:
        widget = pilot.app.query_one(RunText)
        widget.append(text)
        await pilot.pause()
        wide_rows = widget.row_count
        await pilot.resize_terminal(30, 10)
        await pilot.pause()
        assert widget.row_count > wide_rows
        assert widget.text == text
        assert all(cell_len(row.rstrip()) <= widget._wrap_width for row in widget._rows)


async def test_scrolled_up_reader_is_not_pulled_down() -> None:
    async with TextApp().run_test(size=(40, 8)) as pilot:
        widget = pilot.app.query_one(RunText)
        widget.append("line\n" * 50)
        await pilot.pause()
        widget.scroll_home(animate=False, immediate=True)
        await pilot.pause()
        widget.append("more\n" * 5)
        await pilot.pause()
        assert widget.scroll_offset.y == 0


async def test_control_sequences_are_removed_and_markup_kept_literal() -> None:
    async with TextApp().run_test(size=(80, 8)) as pilot:
        widget = pilot.app.query_one(RunText)
        widget.append("[bold]b[/bold] \x1b]52;c;ZXZpbA==\x07\x1b[2J[link=http://x]y[/link]")
        await pilot.pause()
        assert widget.text == "[bold]b[/bold] [link=http://x]y[/link]"
        drawn = "".join(segment.text for segment in widget.render_line(0))
        assert drawn.rstrip() == "[bold]b[/bold] [link=http://x]y[/link]"
        assert all(
            segment.style is None or not segment.style.link for segment in widget.render_line(0)
        )
