"""At 80 columns what matters in each table shows without a horizontal scroll: History's cost
and turns, Review's rating, the Keys screen's "what to do"."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from textual.widgets import DataTable

from fiedler_tui.core.scores.ratings import Ratings, save_ratings
from fiedler_tui.core.store.run_store import RunStore
from fiedler_tui.tui.screens.history import HistoryScreen

from .test_compose import make_app, settle
from .test_history import save_run
from .test_review_blind import MODELS, open_saved, save_rated_run
from .test_snapshots_small import small_project

SMALL = (80, 24)


def fits(table: DataTable[object], columns: int) -> bool:
    """Whether the first ``columns`` columns show whole in the table's width, not scrolled."""
    needed = sum(c.get_render_width(table) for c in table.ordered_columns[:columns])
    return needed <= table.scrollable_content_region.width


def followed_up_run(runs: Path) -> str:
    """A run of three models with long names, followed up once (its summary lists turn 2)."""
    store = RunStore(runs)
    outputs = {"a-rather-long-model-name": "A", "another-long-model-name": "B", "third": "C"}
    run_id = save_run(store, datetime(2026, 11, 1, 10, tzinfo=UTC), outputs)
    path = store.root / run_id / "summary.json"
    summary = json.loads(path.read_text())
    summary["cost_usd"] = 0.25
    summary["turns"] = [
        {"turn": 2, "folder": "turns/2", "status": "done", "models": ["third"], "cost_usd": 0.125}
    ]
    path.write_text(json.dumps(summary))
    return run_id


async def test_history_shows_the_cost_and_the_turns_at_80_columns(tmp_path: Path) -> None:
    root = small_project(tmp_path)
    run_id = followed_up_run(root.parent / "runs")
    app = make_app(root, start=HistoryScreen)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        names = [c.label.plain for c in table.ordered_columns]
        assert names[:4] == ["started", "status", "models", "cost"]
        row = [str(cell) for cell in table.get_row_at(0)]
        assert row[0] == "11-01 10:00" and row[3] == "$0.3750" and row[-1] == run_id
        assert row[2].startswith("a-rather-long") and row[2].endswith("… · 2 turns")
        assert fits(table, 4)  # started, status, models with its turns, cost
        await pilot.resize_terminal(160, 50)
        await settle(pilot)
        row = [str(cell) for cell in table.get_row_at(0)]
        assert row[0] == "2026-11-01 10:00:00"
        assert row[2] == "a-rather-long-model-name, another-long-model-name, third · 2 turns"


async def test_review_shows_the_rating_and_cost_at_80_columns(tmp_path: Path) -> None:
    folder = save_rated_run(tmp_path / "runs")
    alias = next(iter(MODELS))
    save_ratings(folder, Ratings({alias: 4}, alias))
    app = open_saved(tmp_path, folder)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#review-summary", DataTable)
        names = [c.label.plain for c in table.ordered_columns]
        assert names[:4] == ["model", "status", "rating", "cost"]
        assert [str(c) for c in table.get_row_at(0)][2:4] == ["★★★★☆ 4/5 · winner", "$0.0100"]
        assert fits(table, 4)
