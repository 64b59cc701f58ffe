"""Run panes at common sizes: whole figures in the header (never ``~22 to…``) with the model's
cost, the total line kept when a pane is maximised, and the keyboard scrolling a pane."""

from __future__ import annotations

from pathlib import Path

from fiedler_tui.tui.screens.help import binding_rows
from fiedler_tui.tui.screens.run import RunScreen

from .test_run_screen import LONG, model
from .test_run_screen_support import run_world, wait_until

NAMES = ["demo-fast-chat", "demo-deep-reasoner", "demo-long-context", "demo-flaky", "demo-local"]


async def test_headers_show_whole_figures_most_telling_first(tmp_path: Path) -> None:
    async with run_world(tmp_path, [model(n) for n in NAMES]) as world:
        session = world.session(NAMES)
        app = world.app(session)
        async with app.run_test(size=(160, 50)) as pilot:
            screen = RunScreen(session, show_timings=False)
            await app.push_screen(screen)
            await wait_until(pilot, lambda: screen.finished)
            await pilot.pause()
            for pane in screen.panes:
                shown = str(pane.header.render())
                assert "…" not in shown, shown
                assert len(shown) <= pane.header.size.width
                figures = shown.split("  ")[1:]
                assert figures == pane.header.stats_text.split("  ")[: len(figures)], shown
                assert figures[0].endswith(" tok") and figures[1].endswith(" tok/s"), shown
            first = str(screen.panes[0].header.render()).split("  ")
            assert first[3].startswith("$0.00")  # what the model cost


async def test_a_maximised_pane_keeps_the_total_and_scrolls_with_the_keys(
    tmp_path: Path,
) -> None:
    async with run_world(tmp_path, [model("a", reply=LONG), model("b")]) as world:
        session = world.session(["a", "b"])
        app = world.app(session)
        async with app.run_test(size=(100, 30)) as pilot:
            screen = RunScreen(session, show_timings=False)
            await app.push_screen(screen)
            await wait_until(pilot, lambda: screen.finished)
            body = screen.pane("a").body
            await pilot.pause()
            bottom = body.scroll_y
            assert bottom > 10  # followed the end
            await pilot.press("shift+up", "shift+up")
            assert body.scroll_y == bottom - 2
            await pilot.press("shift+down")
            assert body.scroll_y == bottom - 1
            await pilot.press("z")
            await pilot.pause()
            assert screen.maximized is screen.pane("a")
            total = screen.query_one("#run-total")
            assert total.region.height >= 1 and "succeeded" in str(total.render())
            wider = body.scroll_y  # rewrapped to the whole width
            await pilot.press("up", "up")  # one pane shown: up scrolls it
            assert screen.focused_pane() is screen.pane("a")
            assert body.scroll_y == wider - 2
            await pilot.press("pageup")
            assert body.scroll_y < wider - 2
            rows = {(where, key): what for where, key, what in binding_rows(screen)}
            assert rows[("Run", "shift+↑")].startswith("Scroll up")
            assert rows[("Run", "1-9")] == "Pane n (id: run-pane-n)"  # one row for the nine
            assert ("Run", "esc") in rows and ("Run", "/") in rows
            assert rows[("Run: Output panes", "pgup")] == "Page up (id: text-page-up)"
