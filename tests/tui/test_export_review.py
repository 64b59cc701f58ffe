"""Review exports the run (`e`, then Markdown or HTML) into its folder; at 80x24 its footer keeps
`esc` Back and `f1` Help; notifications in Run and Review show at the top right, clear of the
last pane's error line and of the total line."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.widgets import Footer, Static
from textual.widgets._footer import FooterKey

from fiedler_tui.core.simulator.script import Fault
from fiedler_tui.core.store.run_store import RunStore
from fiedler_tui.tui.screens.export_choice import ExportChoiceScreen
from fiedler_tui.tui.screens.review import ReviewScreen
from fiedler_tui.tui.screens.run import RunScreen

from .test_compose import make_app, settle
from .test_history import save_run
from .test_review import summary
from .test_run_screen import model
from .test_run_screen_support import run_world, wait_until


def review_of_saved(tmp_path: Path, answer: str) -> tuple[Path, Any]:
    store = RunStore(tmp_path / "runs")
    run_id = save_run(store, datetime(2026, 12, 1, 9, tzinfo=UTC), {"alpha": answer, "beta": "B"})
    info = store.find(run_id)
    return info.path, make_app(tmp_path, start=lambda: ReviewScreen.from_saved(info))


async def test_e_exports_html_or_markdown_into_the_run_folder(tmp_path: Path) -> None:
    folder, app = review_of_saved(tmp_path, "# Hi\n\n<script>alert(1)</script>\n")
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportChoiceScreen)
        await pilot.press("escape")  # cancelled: nothing written
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert not list(folder.glob("report.*"))
        await pilot.press("e", "h")
        await wait_until(pilot, lambda: (folder / "report.html").exists())
        await settle(pilot)
        page = (folder / "report.html").read_text()
        assert "<h1>Hi</h1>" in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert stat.S_IMODE((folder / "report.html").stat().st_mode) == 0o600
        messages = [n.message for n in app._notifications]
        assert f"report written: {folder / 'report.html'}" in messages
        await pilot.press("e", "m")
        await wait_until(pilot, lambda: (folder / "report.md").exists())
        assert "## alpha" in (folder / "report.md").read_text()


async def test_a_run_kept_in_memory_has_nothing_to_export(tmp_path: Path) -> None:
    texts = {"alpha": "A"}
    app = make_app(tmp_path, start=lambda: ReviewScreen(summary(*texts), texts))
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert any("nothing to export" in n.message for n in app._notifications)


def footer_keys(app: Any) -> dict[str, FooterKey]:
    footer = app.screen.query_one(Footer)
    return {k.key: k for k in footer.query(FooterKey) if "-command-palette" not in k.classes}


async def test_review_footer_keeps_back_and_help_at_80_columns(tmp_path: Path) -> None:
    texts = {"alpha": "A", "beta": "B"}
    app = make_app(tmp_path, start=lambda: ReviewScreen(summary(*texts), texts))
    async with app.run_test(size=(80, 24)) as pilot:
        for size in ((80, 24), (120, 36)):
            await pilot.resize_terminal(*size)
            await settle(pilot)
            keys = footer_keys(app)
            palette = next(
                k for k in app.screen.query(FooterKey) if "-command-palette" in k.classes
            )
            for key in ("escape", "f1", "f2", "e", "slash", "n"):
                region = keys[key].region
                assert region.width and region.right <= palette.region.x, (size, key)  # whole
            assert "m" not in keys and "l" not in keys  # in Help and the palette only
        await pilot.resize_terminal(160, 50)
        await settle(pilot)
        assert {"m", "l", "y", "p", "escape", "f1", "e"} <= set(footer_keys(app))
        await pilot.press("m")  # a key left out of the narrow footer still works
        assert not app.screen.rendered


async def test_notifications_in_run_and_review_are_at_the_top(tmp_path: Path) -> None:
    models = [model("fast"), model("angry", "never", faults=(Fault.http(400, "bad request"),))]
    async with run_world(tmp_path, models) as world:
        session = world.session(["fast", "angry"])
        app = world.app(session)
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            screen = RunScreen(session)
            await app.push_screen(screen)
            await wait_until(pilot, lambda: screen.finished)
            await settle(pilot)
            app.notify("a message long enough to need a few lines in its toast " * 2)
            await settle(pilot)
            toasts = [w for w in screen.walk_children() if type(w).__name__ == "Toast"]
            assert toasts
            error = screen.pane("angry").query_one(".run-error", Static)
            covered = [screen.query_one("#run-total").region, error.region]
            assert covered[1].height  # the error line is drawn
            assert min(t.region.y for t in toasts) <= 1  # stacked from the top
            for toast in toasts:
                assert not any(toast.region.overlaps(region) for region in covered)
            await pilot.press("r")  # Review
            await settle(pilot)
            review = app.screen
            assert isinstance(review, ReviewScreen)
            app.notify("another message for the review screen " * 3)
            await settle(pilot)
            toasts = [w for w in review.walk_children() if type(w).__name__ == "Toast"]
            footer = review.query_one(Footer).region
            assert toasts and min(t.region.y for t in toasts) <= 1
            assert not any(t.region.overlaps(footer) for t in toasts)
