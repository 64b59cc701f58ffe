"""Review: outputs rendered as Markdown (up to the limits), raw text (larger ones, or on `m`), safely.

Rendering progressively (chunk by chunk) is pinned in ``test_review_progressive.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.content import Content
from textual.pilot import Pilot
from textual.style import Style
from textual.widgets._markdown import (
    MarkdownFence,
    MarkdownH1,
    MarkdownParagraph,
    MarkdownTableCellContents,
)

from fiedler_tui.tui.screens.help import binding_rows
from fiedler_tui.tui.screens.review import ReviewScreen
from fiedler_tui.tui.widgets.markdown_view import (
    MARKDOWN_MAX_BLOCKS,
    MARKDOWN_MAX_BYTES,
    MarkdownView,
)
from fiedler_tui.tui.widgets.output_pane import OutputPane
from fiedler_tui.tui.widgets.palette import screen_commands
from fiedler_tui.tui.widgets.run_text import RunText

from .test_compose import ScreensApp, make_app, settle
from .test_review import pane, summary

ANSWER = """# Findings

1. `main()` prints twice.
2. The loop never ends.

```python
def main() -> None:
    print("hello")
```
"""


def review(app: ScreensApp) -> ReviewScreen:
    screen = app.screen
    assert isinstance(screen, ReviewScreen)
    return screen


async def test_a_small_output_is_rendered_as_markdown(tmp_path: Path) -> None:
    texts = {"alpha": ANSWER, "beta": "- one\n- two\n"}
    app = make_app(tmp_path, start=lambda: ReviewScreen(summary(*texts), texts))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        left = pane(review(app), "left")
        assert left.rendered and isinstance(left.view, MarkdownView)
        assert str(left.border_subtitle) == "Markdown"
        heading = left.view.query_one(MarkdownH1)
        assert heading._content.plain == "Findings"
        fence = left.view.query_one(MarkdownFence)
        assert fence.code == 'def main() -> None:\n    print("hello")'
        assert left.view.has_focus
        right = pane(review(app), "right")
        assert isinstance(right.view, MarkdownView) and right.rendered


async def test_a_large_output_falls_back_to_raw_text_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert OutputPane.markdown_limit == MARKDOWN_MAX_BYTES
    assert OutputPane.block_limit == MARKDOWN_MAX_BLOCKS
    monkeypatch.setattr(OutputPane, "markdown_limit", 2_000)
    big = "# Big\n\n" + "word " * 1_000  # 5,007 bytes
    texts = {"big": big, "small": ANSWER}
    app = make_app(tmp_path, start=lambda: ReviewScreen(summary(*texts), texts))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = review(app)
        left, right = pane(screen, "left"), pane(screen, "right")
        assert isinstance(left.view, RunText) and not left.rendered
        assert left.view.text == big.replace("\t", "    ")
        assert str(left.border_subtitle) == "raw text: 5 KB is over the 2 KB Markdown limit"
        assert isinstance(right.view, MarkdownView)  # each pane decides for its own output
        await pilot.press("n")  # the left pane moves to the small output: rendered
        await settle(pilot)
        assert isinstance(left.view, MarkdownView) and left.view.has_focus


async def test_an_output_of_many_blocks_falls_back_to_raw_text(tmp_path: Path) -> None:
    many = "\n\n".join(f"point {i}" for i in range(MARKDOWN_MAX_BLOCKS + 1))
    assert len(many) < MARKDOWN_MAX_BYTES // 4
    texts = {"many": many}
    app = make_app(tmp_path, start=lambda: ReviewScreen(summary(*texts), texts))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        left = pane(review(app), "left")
        assert isinstance(left.view, RunText) and left.view.text == many
        reason = (
            f"{MARKDOWN_MAX_BLOCKS + 1:,} Markdown blocks, over the {MARKDOWN_MAX_BLOCKS:,} limit"
        )
        assert str(left.border_subtitle) == f"raw text: {reason}"


async def test_m_switches_both_panes_between_rendered_and_raw(tmp_path: Path) -> None:
    texts = {"alpha": ANSWER, "beta": "**bold** text", "gamma": "# G"}
    app = make_app(tmp_path, start=lambda: ReviewScreen(summary(*texts), texts))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = review(app)
        left, right = pane(screen, "left"), pane(screen, "right")
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(left.view, RunText) and isinstance(right.view, RunText)
        assert str(left.border_subtitle) == str(right.border_subtitle) == "raw text"
        assert left.view.text == ANSWER and left.view.has_focus
        await pilot.press("n")  # the choice sticks while the screen is open
        await settle(pilot)
        assert isinstance(left.view, RunText) and left.view.text == "**bold** text"
        await pilot.press("c")
        assert app.clipboard == "**bold** text"  # copies the raw text either way
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(left.view, MarkdownView) and isinstance(right.view, MarkdownView)
        await pilot.press("c")
        assert app.clipboard == "**bold** text"
        await pilot.press("s", "m")  # one pane: the hidden one follows once shown again
        await settle(pilot)
        assert isinstance(left.view, RunText) and not right.display
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(right.view, RunText) and right.view.text == "**bold** text"
        assert str(right.border_subtitle) == "raw text"
        assert "Review: Rendered/Raw" in {c.name for c in screen_commands(screen)}
        rows = binding_rows(screen)
        assert any(r[:2] == ("Review", "m") and r[2].startswith("Rendered/Raw") for r in rows)


HOSTILE = (
    "Click [@click=app.quit]x[/] now\n\n"
    "Visit [link=https://evil]y[/] too\n\n"
    "Clip \x1b]52;c;SGVsbG8=\x07board \x1b[31mred\x1b[0m <b>html</b>\n\n"
    "[text](https://example.com/a%1b%5B2Jb)\n\n"
    "| name | value |\n|---|---|\n| [red]x[/red] | [/] |\n"
)


def click_styles(content: Content) -> list[Style]:
    return [s.style for s in content.spans if isinstance(s.style, Style) and s.style.meta]


async def assert_inert(pilot: Pilot[None], view: MarkdownView, opened: list[str]) -> None:
    """``HOSTILE``, rendered at the end of ``view``: literal, and no click does anything."""
    app = pilot.app
    paragraphs = list(view.query(MarkdownParagraph))[-4:]
    plains = [p._content.plain for p in paragraphs]
    assert plains == [
        "Click [@click=app.quit]x[/] now",
        "Visit [link=https://evil]y[/] too",
        "Clip board red <b>html</b>",
        "text",
    ]
    metas = [[s.meta for s in click_styles(p._content)] for p in paragraphs]
    assert metas == [
        [],  # no action from the markup
        [{"@click": "link('https://evil')"}],  # the bare URL is a (GFM) link, nothing more
        [],
        [{"@click": "link('https://example.com/a%1b%5B2Jb')"}],
    ]
    assert not any(s.link for p in paragraphs for s in click_styles(p._content))
    link = paragraphs[3]
    cells = list(view.query(MarkdownTableCellContents))
    tips = [cell.tooltip for cell in cells]
    assert all(isinstance(tip, Content) for tip in tips)  # a string would be parsed
    assert [tip.plain for tip in tips if isinstance(tip, Content)] == [
        "name", "value", "[red]x[/red]", "[/]",
    ]  # fmt: skip

    view.scroll_to_widget(paragraphs[0], animate=False, top=True, immediate=True)
    await pilot.pause()
    await pilot.click(paragraphs[0], offset=(7, 0))  # on "[@click=app.quit]x[/]"
    await pilot.click(paragraphs[1], offset=(7, 0))  # on "[link=https://evil]y[/]"
    await pilot.hover(cells[2])
    await pilot.click(link, offset=(1, 0))  # the Markdown link
    await settle(pilot)
    assert app.is_running and opened == []
    notes = [(n.title, n.message) for n in app._notifications]
    assert ("Link not opened", "Link: https://example.com/ab") in notes  # no ESC[2J
    assert all(not n.markup for n in app._notifications)
    assert "\x1b" not in view.text


async def review_hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> str:
    """Open ``text`` (ending with ``HOSTILE``) in Review, check it inert; the text shown."""
    texts = {"alpha": text}
    app = make_app(tmp_path, start=lambda: ReviewScreen(summary(*texts), texts))
    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **_: opened.append(url))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        view = pane(review(app), "left").view
        assert isinstance(view, MarkdownView) and not view.filling
        await assert_inert(pilot, view, opened)
        return view.text


async def test_markup_escapes_and_links_in_rendered_output_are_inert(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = await review_hostile(tmp_path, monkeypatch, HOSTILE)
    assert shown.startswith("Click [@click=app.quit]x[/]")


async def test_scroll_sync_by_fraction_between_rendered_and_raw(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(OutputPane, "markdown_limit", 3_000)
    monkeypatch.setattr(OutputPane, "block_limit", 1_000)
    rendered = "\n\n".join(f"Paragraph {i}." for i in range(150))  # rendered: 299 rows
    raw = "\n".join(f"line {i}" for i in range(600))  # over the limit: raw
    texts = {"alpha": rendered, "beta": raw}
    app = make_app(tmp_path, start=lambda: ReviewScreen(summary(*texts), texts))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = review(app)
        left, right = pane(screen, "left").view, pane(screen, "right").view
        assert isinstance(left, MarkdownView) and isinstance(right, RunText)
        assert left.max_scroll_y > 0 and right.max_scroll_y > left.max_scroll_y
        await pilot.press("end")
        await pilot.pause()
        assert left.scroll_y == left.max_scroll_y and right.scroll_y == right.max_scroll_y
        left.scroll_to(y=left.max_scroll_y // 2, animate=False, immediate=True)
        await pilot.pause()
        assert right.scroll_y / right.max_scroll_y == pytest.approx(0.5, abs=0.02)
        await pilot.press("m")  # raw now: each pane keeps its place
        await settle(pilot)
        left, right = pane(screen, "left").view, pane(screen, "right").view
        assert isinstance(left, RunText) and left.max_scroll_y > 0
        assert left.scroll_y / left.max_scroll_y == pytest.approx(0.5, abs=0.02)
        assert right.scroll_y / right.max_scroll_y == pytest.approx(0.5, abs=0.02)
