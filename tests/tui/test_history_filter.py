"""History filters its runs as you type (model, status, file, kind, dates), says how many of how
many match, and marks deliberations and runs whose outputs were not all saved."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual import events
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from fiedler_tui.core.store.run_store import RunStore
from fiedler_tui.tui.history_filter import parse_filter
from fiedler_tui.tui.screens.help import binding_rows
from fiedler_tui.tui.screens.history import HistoryScreen

from .test_compose import make_app, settle
from .test_history import project, rows, save_run

__all__ = ["project"]  # the fixture, used by name

KEY_NAMES = {":": "colon", "-": "minus", ".": "full_stop", " ": "space", "_": "underscore"}


def rewrite(store: RunStore, run_id: str, **changes: object) -> None:
    path = store.root / run_id / "summary.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), **changes}))


def four_runs(root: Path) -> dict[str, str]:
    store = RunStore(root)
    day = {d: datetime(2026, 11, d, 10, tzinfo=UTC) for d in (1, 2, 3, 4)}
    runs = {
        "old": save_run(store, day[1], {"alpha": "A"}, files=("src/main.py",)),
        "beta": save_run(store, day[2], {"beta": "B"}, files=("src/util.py",)),
        "unsaved": save_run(store, day[3], {"alpha": "A", "gamma": "G"}),
        "debate": save_run(store, day[4], {"alpha": "A", "beta": "B"}),
    }
    rewrite(store, runs["unsaved"], outputs_saved=False)
    rewrite(store, runs["debate"], kind="crosstalk")
    return runs


async def type_filter(pilot: Pilot[None], text: str) -> None:
    await pilot.press("slash", "ctrl+a", "ctrl+k", *(KEY_NAMES.get(c, c) for c in text))
    await settle(pilot)


def shown(screen: HistoryScreen) -> list[str]:
    return [r[-1] for r in rows(screen)]


async def test_filters_by_model_status_file_kind_and_date(project: Path) -> None:
    runs = four_runs(project.parent / "runs")
    app = make_app(project)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        table = screen.query_one(DataTable)
        assert len(shown(screen)) == 4 and table.border_title == "Runs (4)"
        by_id = {r[-1]: r for r in rows(screen)}
        assert by_id[runs["unsaved"]][1] == "done, not all saved"
        assert by_id[runs["debate"]][2] == "crosstalk: alpha, beta"
        assert by_id[runs["old"]][1] == "done" and by_id[runs["old"]][2] == "alpha"
        assert any(
            row[:2] == ("History", "/ / f") and "model:gpt-5" in row[2]
            for row in binding_rows(screen)
        )  # Help lists the filter key and its syntax

        await type_filter(pilot, "model:beta")
        assert shown(screen) == [runs["debate"], runs["beta"]]
        assert table.border_title == "Runs: 2 of 4"
        assert "2 of 4 runs match" in str(screen.query_one("#history-help", Static).render())
        await pilot.press("enter")  # back to the list, the filter kept
        assert screen.focused is table and shown(screen) == [runs["debate"], runs["beta"]]
        await pilot.press("down", "enter")  # opens the run under the cursor: the filtered one
        await settle(pilot)
        assert app.screen.summary["run_id"] == runs["beta"]  # type: ignore[attr-defined]
        await pilot.press("escape")
        await settle(pilot)

        for text, expected in (
            ("status:unsaved", ["unsaved"]),
            ("kind:crosstalk", ["debate"]),
            ("file:util.py", ["beta"]),
            ("since:2026-11-02 until:2026-11-03", ["unsaved", "beta"]),
            ("date:2026-11-01", ["old"]),
            ("alpha status:done kind:send", ["unsaved", "old"]),
            ("model:nobody", []),
        ):
            screen.query_one("#history-filter", Input).value = text  # as if typed
            await settle(pilot)
            assert shown(screen) == [runs[name] for name in expected], text
        await pilot.press("slash", "escape")  # in the filter, esc clears it; History stays
        await settle(pilot)
        assert app.screen is screen and len(shown(screen)) == 4
        assert not screen.query_one("#history-filter", Input).display
        assert screen.focused is table

        await type_filter(pilot, "colour:red model:gamma")  # a bad term is named, not applied
        assert shown(screen) == [runs["unsaved"]]
        assert "unknown filter colour:" in str(screen.query_one("#history-help", Static).render())


async def test_the_filter_survives_a_refresh(project: Path) -> None:
    runs = four_runs(project.parent / "runs")
    app = make_app(project)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        await type_filter(pilot, "model:alpha")
        await pilot.press("enter")
        newer = save_run(
            RunStore(project.parent / "runs"), datetime(2026, 11, 5, tzinfo=UTC), {"alpha": "A"}
        )
        save_run(
            RunStore(project.parent / "runs"), datetime(2026, 11, 6, tzinfo=UTC), {"zeta": "Z"}
        )
        await pilot.press("f5")
        await settle(pilot)
        assert shown(screen) == [newer, runs["debate"], runs["unsaved"], runs["old"]]
        assert screen.query_one(DataTable).border_title == "Runs: 4 of 6"


def test_parse_filter_names_bad_terms() -> None:
    parsed = parse_filter("Model:GPT since:2026-12 date:20 file: x")
    assert parsed.terms == (("model", "gpt"), ("", "x"))
    assert parsed.problems == (
        "since: takes a date as YYYY-MM-DD, not '2026-12'",
        "date: takes YYYY, YYYY-MM or YYYY-MM-DD, not '20'",
        "file: needs a value",
    )


def test_history_filtered_at_80x24(snap_compare: Any, tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "src").mkdir(parents=True)
    four_runs(tmp_path / "runs")
    app = make_app(root, start=HistoryScreen)

    async def prepare(pilot: Pilot[None]) -> None:
        await settle(pilot)
        screen = pilot.app.screen
        screen._where = "runs in RUNS"  # type: ignore[attr-defined]  # the folder changes
        await type_filter(pilot, "model:alpha")
        await pilot.pause()

    assert snap_compare(app, run_before=prepare, terminal_size=(80, 24))


def burst(app: Any, text: str) -> None:
    """Keys as a terminal delivers fast typing or a paste: all queued before the first is read."""
    for char in text:
        key = KEY_NAMES.get(char, "slash" if char == "/" else char)
        event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)


async def test_keys_typed_at_once_after_slash_all_go_to_the_filter(project: Path) -> None:
    runs = four_runs(project.parent / "runs")
    app = make_app(project)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        field = screen.query_one("#history-filter", Input)
        await pilot.press(*"/model:beta")  # the whole string in one call
        await settle(pilot)
        assert app.screen is screen and field.value == "model:beta"
        assert shown(screen) == [runs["debate"], runs["beta"]]
        await pilot.press("escape")
        await settle(pilot)
        burst(app, "/status:unsaved")  # its "s" would open the scoreboard, "t" ...
        await settle(pilot)
        assert app.screen is screen and field.value == "status:unsaved"
        assert screen.focused is field and shown(screen) == [runs["unsaved"]]
        await pilot.press("escape")
        await settle(pilot)
        burst(app, "ffile:util.py")  # f opens it too, and the f of "file" is typed
        await settle(pilot)
        assert field.value == "file:util.py" and shown(screen) == [runs["beta"]]
