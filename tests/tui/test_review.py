"""The Review screen from in-memory data and from a saved run: panes, scroll sync, copy, summary."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.widgets import DataTable, Static

from fiedler_tui.core.store.run_store import RunStore
from fiedler_tui.tui.screens.review import ReviewScreen
from fiedler_tui.tui.widgets.output_pane import OutputPane
from fiedler_tui.tui.widgets.palette import screen_commands

from .test_compose import make_app, settle
from .test_history import save_run


def summary(*aliases: str, failed: str | None = None) -> dict[str, Any]:
    models: list[dict[str, Any]] = []
    for alias in aliases:
        record: dict[str, Any] = {
            "alias": alias,
            "provider": "openai",
            "model": f"gpt-{alias}",
            "status": "done",
            "usage_input": 1100,
            "usage_output": 300,
            "estimate_input": 1000,
            "count_method": "estimate",
            "finish_reason": "stop",
            "ttft_s": 0.4,
            "total_s": 3.25,
            "tokens_per_s": 92.3,
            "cost_usd": 0.0123,
            "error": None,
        }
        if alias == failed:
            record.update(
                status="failed",
                finish_reason=None,
                usage_output=None,
                error={
                    "code": "rate_limited",
                    "message": "[red]slow down[/red] \x1b]52;c;aGk=\x07",
                    "provider": "openai",
                    "http_status": 429,
                    "retry_count": 2,
                    "request_id": "req_1",
                },
            )
        models.append(record)
    return {
        "run_id": "20261101-100000-abcdef",
        "status": "done",
        "started_at": "2026-11-01T10:00:00+00:00",
        "ended_at": "2026-11-01T10:00:05+00:00",
        "prompt": {"sha256": "00", "chars": 12},
        "package": {"files": 2, "bytes": 120, "lines": 8, "sha256": "11", "file_list": []},
        "models": models,
        "cost_usd": 0.0246,
    }


def pane(screen: ReviewScreen, side: str) -> OutputPane:
    return screen.query_one(f"#pane-{side}", OutputPane)


def shown(widget: OutputPane) -> str:
    return widget.view.text


async def test_two_outputs_side_by_side_then_one_at_a_time(tmp_path: Path) -> None:
    texts = {"alpha": "answer from alpha", "beta": "answer from beta", "gamma": "from gamma"}
    app = make_app(tmp_path, start=lambda: ReviewScreen(summary(*texts), texts))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        left, right = pane(screen, "left"), pane(screen, "right")
        assert right.display and shown(left) == "answer from alpha"
        assert shown(right) == "answer from beta"
        assert "alpha" in str(left.border_title)
        await pilot.press("n")  # the focused (left) pane moves on, past the right's output
        assert shown(left) == "from gamma" and shown(right) == "answer from beta"
        await pilot.press("tab", "n")  # now the right pane: past gamma (on the left)
        assert shown(right) == "answer from alpha"
        await pilot.press("p")
        assert shown(right) == "answer from beta"
        await pilot.press("c")
        assert app.clipboard == "answer from beta"
        await pilot.press("s")
        assert not right.display
        await pilot.press("p")  # one pane: every output in turn
        assert shown(left) == "answer from beta"
        await pilot.press("s")  # both again: the right pane moves off the left's output
        assert right.display and shown(right) == "from gamma"
        assert "gamma" in str(right.border_title)
        await screen.show_output("gamma", 0)  # chosen on the left: the right takes beta
        assert shown(left) == "from gamma" and shown(right) == "answer from beta"
        names = {c.name for c in screen_commands(screen)}
        assert {"Review: Copy", "Review: Split", "Review: Copy folder", "Review: Back"} <= names
        titles = {c.title for c in app.get_system_commands(screen)}
        assert "Review: show gamma on the right" in titles


async def test_scrolling_one_pane_scrolls_the_other(tmp_path: Path) -> None:
    long = "\n\n".join(f"line {i}" for i in range(60))  # scrolls raw or rendered
    texts = {"alpha": long, "beta": long + "\n\nmore" * 50}
    app = make_app(tmp_path, start=lambda: ReviewScreen(summary(*texts), texts))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        left, right = pane(screen, "left").view, pane(screen, "right").view
        assert left.has_focus and left.scroll_y == right.scroll_y == 0
        await pilot.press("end")
        await pilot.pause()
        assert left.scroll_y == left.max_scroll_y > 0
        assert right.scroll_y == right.max_scroll_y > left.max_scroll_y
        await pilot.press("l", "home")  # sync off: the right pane stays
        await pilot.pause()
        assert left.scroll_y == 0 and right.scroll_y == right.max_scroll_y


async def test_summary_shows_usage_errors_costs_and_timings(tmp_path: Path) -> None:
    texts = {"alpha": "ok", "beta": ""}
    app = make_app(tmp_path, start=lambda: ReviewScreen(summary(*texts, failed="beta"), texts))
    async with app.run_test(size=(160, 36)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        table = screen.query_one("#review-summary", DataTable)
        alpha = [str(c) for c in table.get_row_at(0)]
        assert alpha[:2] == ["alpha", "done"]
        assert alpha[2] == "$0.0123"  # the cost before the usage figures
        assert alpha[3] == "1,100 / 1,000 (estimate) +10%"
        assert alpha[6:9] == ["0.40s", "3.25s", "92.3"]
        beta = [str(c) for c in table.get_row_at(1)]
        assert beta[1] == "failed"
        assert beta[9] == "rate_limited"
        errors = str(screen.query_one("#review-errors", Static).render())
        assert errors.startswith("beta: rate_limited: [red]slow down[/red]")  # literally
        assert "\x1b" not in errors and "HTTP 429" in errors and "2 retries" in errors
        header = str(screen.query_one("#review-header", Static).render())
        assert "folder: none" in header and "$0.0246" in header
        await pilot.press("y")
        assert any("not saved to disk" in n.message for n in app._notifications)


async def test_markup_and_escapes_in_outputs_are_literal(tmp_path: Path) -> None:
    hostile = "[bold]big[/bold] [@click=app.quit]quit[/] \x1b]52;c;SGVsbG8=\x07\x1b[31mred\x1b[0m"
    texts = {"[red]alias[/red]": hostile}
    app = make_app(tmp_path, start=lambda: ReviewScreen(summary(*texts), texts))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        left = pane(screen, "left")
        assert shown(left) == "[bold]big[/bold] [@click=app.quit]quit[/] red"
        assert str(left.border_title).startswith(r"\[red]alias\[/red]")  # escaped markup
        assert app.is_running


async def test_saved_run_reads_outputs_and_copies_the_folder(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "runs")
    run_id = save_run(store, datetime(2026, 11, 1, 10, tzinfo=UTC), {"alpha": "A", "beta": "B"})
    info = store.find(run_id)
    app = make_app(tmp_path, start=lambda: ReviewScreen.from_saved(info))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert (shown(pane(screen, "left")), shown(pane(screen, "right"))) == ("A", "B")
        header = str(screen.query_one("#review-header", Static).render())
        assert str(info.path) in header
        await pilot.press("y")
        assert app.clipboard == str(info.path)


async def test_a_malformed_summary_still_opens(tmp_path: Path) -> None:
    odd: dict[str, Any] = {"models": 5, "package": "x", "prompt": None, "cost_usd": True}
    app = make_app(tmp_path, start=lambda: ReviewScreen(odd, {"solo": "text"}))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert shown(pane(screen, "left")) == "text" and not pane(screen, "right").display
        header = str(screen.query_one("#review-header", Static).render())
        assert "cost –" in header and "– files" in header


async def test_scroll_sync_follows_the_outputs_shown_after_stepping(tmp_path: Path) -> None:
    long = "\n\n".join(f"line {i}" for i in range(60))
    texts = {"alpha": long, "beta": long, "gamma": long + "\n\nmore" * 25}
    app = make_app(tmp_path, start=lambda: ReviewScreen(summary(*texts), texts))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        for _ in range(4):  # step the left pane around; each step shows another output
            await pilot.press("n")
            await settle(pilot)
        left, right = pane(screen, "left").view, pane(screen, "right").view
        left.focus()
        await pilot.press("end")
        await pilot.pause()
        assert left.scroll_y == left.max_scroll_y > 0
        assert right.scroll_y == right.max_scroll_y > 0
