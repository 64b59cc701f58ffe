"""Find (`/`) in Review's panes and the Run panes: matches counted, highlighted, stepped through."""

from __future__ import annotations

from pathlib import Path

from rich.segment import Segment
from rich.style import Style
from textual.widgets import Input

from fiedler_tui.tui.screens.review import ReviewScreen
from fiedler_tui.tui.screens.run import RunScreen
from fiedler_tui.tui.widgets.find import CURRENT, MATCH, FindableView, Match, row_matches
from fiedler_tui.tui.widgets.find_bar import FindBar

from .test_compose import make_app, settle
from .test_review import pane, summary
from .test_review_markdown import review
from .test_run_screen import LONG, model
from .test_run_screen_support import run_world, wait_until


def test_matches_ignore_case_and_count_cells() -> None:
    assert row_matches(3, "Load the LOAD, unload", "load") == [
        Match(3, 0, 4),
        Match(3, 9, 13),
        Match(3, 17, 21),
    ]
    assert row_matches(0, "日本 load 日本", "load") == [Match(0, 5, 9)]  # wide characters
    assert row_matches(0, "nothing", "load") == []


def highlights(view: FindableView, y: int) -> list[tuple[str, Style | None]]:
    """The highlighted segments of the view's row ``y`` (from its top), as drawn."""
    line = view.render_line(y)
    return [
        (segment.text, segment.style.bgcolor and segment.style)
        for segment in line
        if isinstance(segment, Segment) and segment.style and segment.style.bgcolor
        if segment.style.bgcolor in (MATCH.bgcolor, CURRENT.bgcolor)
    ]


def find_bar_count(bar: FindBar) -> str:
    return str(bar.query_one(".find-count").render())


async def test_find_in_review_counts_highlights_and_steps(tmp_path: Path) -> None:
    alpha = "".join(
        f"## Part {i}\n\nThe load() call in part {i}. LOAD again.\n\n" for i in range(40)
    )
    texts = {"alpha": alpha, "beta": "nothing to load here", "gamma": "no match"}
    app = make_app(tmp_path, start=lambda: ReviewScreen(summary(*texts), texts))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = review(app)
        left = pane(screen, "left")
        view = left.view
        bar = screen.query_one(FindBar)
        assert not bar.display
        await pilot.press("slash")
        await pilot.pause()
        assert bar.display and isinstance(app.focused, Input)
        await pilot.press(*"load")  # typed into the bar: "p"/"n" would not step outputs
        await pilot.pause()
        assert view.find_label == "1/80" and find_bar_count(bar) == "1/80"
        assert str(left.border_subtitle) == "find: 1/80 · Markdown"
        assert left.alias == "alpha"
        first = view.find_matches[0]
        shown = highlights(view, first.row - round(view.scroll_y))
        assert [text for text, _ in shown] == ["load", "LOAD"]
        assert shown[0][1] is not None and shown[0][1].bgcolor == CURRENT.bgcolor
        assert shown[1][1] is not None and shown[1][1].bgcolor == MATCH.bgcolor
        await pilot.press("enter", "enter", "down")
        await pilot.pause()
        assert view.find_label == "4/80" and find_bar_count(bar) == "4/80"
        await pilot.press("up")
        assert view.find_label == "3/80"
        for _ in range(60):  # far down the answer: the view follows the match
            await pilot.press("down")
        await pilot.pause()
        current = view.find_matches[view.find_index]
        assert view.find_label == "63/80" and view.scroll_y > 0
        assert view.scroll_y <= current.row < view.scroll_y + view.size.height
        await pilot.press("up", "up", "up")  # round the start, backwards
        await pilot.pause()
        assert view.find_label == "60/80"
        await pilot.press("escape")  # closes the bar, clears the highlights
        await pilot.pause()
        assert not bar.display and app.focused is view
        assert view.find_label == "" and str(left.border_subtitle) == "Markdown"
        assert highlights(view, current.row - round(view.scroll_y)) == []
        assert isinstance(app.screen, ReviewScreen)  # escape did not leave the screen
        await pilot.press("tab", "slash")  # the right pane's output, with the same text
        await pilot.pause()
        right = pane(screen, "right")
        assert right.view.find_label == "1/1" and view.find_label == ""
        assert str(right.border_subtitle) == "find: 1/1 · Markdown"
        await pilot.press("backspace", "x")
        await pilot.pause()
        assert right.view.find_label == "no match" and find_bar_count(bar) == "no match"


async def test_find_in_a_run_pane_counts_the_text_as_it_streams(tmp_path: Path) -> None:
    async with run_world(tmp_path, [model("slow", LONG, tokens_per_s=200)]) as world:
        session = world.session(["slow"])
        app = world.app(session)
        async with app.run_test(size=(120, 30)) as pilot:
            screen = RunScreen(session)
            await app.push_screen(screen)
            body = screen.pane("slow").body
            await wait_until(pilot, lambda: screen.pane("slow").state.chars > 0)
            await pilot.press("slash", *"WORD")
            await pilot.pause()
            bar = screen.query_one(FindBar)
            assert bar.display and bar.target is body
            early = len(body.find_matches)
            await wait_until(pilot, lambda: len(body.find_matches) > early)  # new text searched
            screen.cancel_all()
            await wait_until(pilot, lambda: screen.finished)
            await pilot.pause()
            count = body.text.lower().count("word")
            assert 0 < count == len(body.find_matches)
            assert find_bar_count(bar) == f"{body.find_index + 1}/{count}"
            await pilot.press("enter")
            await pilot.pause()
            match = body.find_matches[body.find_index]
            assert body.find_row_texts()[match.row][match.start : match.end] == "word"
            await pilot.press("escape")
            await pilot.pause()
            assert not bar.display and app.screen is screen and app.focused is body
