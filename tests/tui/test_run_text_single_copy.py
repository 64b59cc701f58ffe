"""Each answer is held once: once a model has ended, its pane, the Review screen and the run's
recorder all read the very str the terminal event carried (no joined copies, no rows of their
own), and the pane still draws, re-wraps, searches and appends as before."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult

from fiedler_tui.tui.screens.review import ReviewScreen
from fiedler_tui.tui.screens.run import RunScreen
from fiedler_tui.tui.widgets.run_text import RunText

from .test_run_screen import LONG, model
from .test_run_screen_support import run_world, wait_until

LINES = "\n".join(f"line {n} " + "word " * (n % 17) for n in range(200))


async def test_ended_panes_and_review_share_the_sessions_text(tmp_path: Path) -> None:
    models = [model("fast", LINES), model("slow", LONG, tokens_per_s=40)]
    async with run_world(tmp_path, models) as world:
        session = world.session(["fast", "slow"])
        app = world.app(session)
        async with app.run_test(size=(120, 30)) as pilot:
            screen = RunScreen(session)
            await app.push_screen(screen)
            fast = screen.pane("fast")
            await wait_until(pilot, lambda: fast.body.settled)
            held = session.text("fast")
            assert held == LINES
            assert fast.text is held and session.text("fast") is held
            assert fast.state.final_text is None  # the pane keeps no reference of its own
            await pilot.press("r")
            await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
            review = app.screen
            assert isinstance(review, ReviewScreen)
            assert review.texts["fast"] is held
            await pilot.press("escape")
            await pilot.pause()
            slow = screen.pane("slow")
            assert not slow.body.settled  # still streaming: rows of its own
            screen.cancel_all()
            await wait_until(pilot, lambda: screen.finished)
            partial = session.text("slow")
            assert partial and LONG.startswith(partial)
            assert slow.body.settled and slow.text is partial


class TextApp(App[None]):
    def compose(self) -> ComposeResult:
        yield RunText(id="text")


def rows_of(widget: RunText) -> list[str]:
    return [*widget._rows, widget._tail]


async def test_a_settled_view_wraps_and_draws_like_a_streamed_one() -> None:
    text = "".join(LINES)  # a str of its own, as the run's held answer is
    async with TextApp().run_test(size=(40, 12)) as pilot:
        widget = pilot.app.query_one(RunText)
        for start in range(0, len(text), 97):
            widget.append(text[start : start + 97])
        await pilot.pause()
        streamed = rows_of(widget)
        assert widget.settle(text) and widget.text is text
        assert rows_of(widget) == streamed
        assert widget._lines == [] and widget._current == []
        pilot.app.query_one(RunText).styles.width = 23
        await pilot.pause()
        fresh = RunText()
        await pilot.app.mount(fresh)
        fresh.styles.width = 23
        await pilot.pause()
        fresh.append(text)
        assert rows_of(widget) == rows_of(fresh)  # re-wrapped from the held text
        widget.find("line 19")
        fresh.find("line 19")
        assert widget.find_label.split("/")[1] == fresh.find_label.split("/")[1] == "11"
        widget.append("\nmore")  # appending after all: rows of its own again
        assert not widget.settled and widget.text == text + "\nmore"


async def test_settle_refuses_a_text_that_is_not_what_is_shown() -> None:
    async with TextApp().run_test(size=(40, 12)) as pilot:
        widget = pilot.app.query_one(RunText)
        raw = "tab\there \x1b[2J gone"
        widget.append(raw)
        await pilot.pause()
        assert not widget.settle(raw)  # shown with the tab expanded and the escape stripped
        assert not widget.settled and widget.text != raw
