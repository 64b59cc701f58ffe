"""The app's Batches screen (History's b): jobs with progress, f fetches, a unit opens in
Review."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from fiedler_tui.core.batch.job import BatchRunner
from fiedler_tui.core.batch.plan import plan_batch
from fiedler_tui.core.batch.state import BatchStore
from fiedler_tui.core.batch.units import UnitSplit
from fiedler_tui.core.budget import DryRunEngine, DryRunOptions
from fiedler_tui.core.config.loader import load_config
from fiedler_tui.core.settings import Settings
from fiedler_tui.tui.screens.batches import BatchesScreen
from fiedler_tui.tui.screens.history import HistoryScreen
from fiedler_tui.tui.screens.review import ReviewScreen

from ..tui.test_compose import make_app, screen_after_key, settle
from .conftest import BatchWorld


def cells(screen: BatchesScreen) -> list[list[str]]:
    table = screen.query_one(DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_batches_lists_jobs_fetches_and_opens_a_unit_in_review(
    batch_world: BatchWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in batch_world.env().items():
        if key.startswith("FIEDLER_"):
            monkeypatch.setenv(key, value)
    settings = Settings.load()
    config = load_config(str(batch_world.config_path))
    models = [config.resolve(name) for name in ("gpt", "claude", "local")]
    options = DryRunOptions(prompt="review")
    with DryRunEngine(settings) as engine:
        plan = plan_batch(
            [batch_world.project], models, config, settings, engine, options, UnitSplit.FILE
        )
    async with BatchRunner(config, settings, {}, BatchStore()) as runner:
        job, entries = runner.new_job(plan, "review", options.system)
        await runner.submit(job, plan, entries)  # the live model's three answers are saved

    app = make_app(
        batch_world.project, HistoryScreen, config=config, output_dir=batch_world.output_dir
    )
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await screen_after_key(pilot, "b", BatchesScreen)
        [row] = cells(screen)
        assert row[1] == "submitted" and row[4] == "3/9" and row[-1] == job.job_id
        await pilot.press("f")  # fetch the two batches
        await settle(pilot)
        [row] = cells(screen)
        assert row[1] == "ended" and row[4] == "9/9" and row[5] == "9"
        await pilot.press("enter")
        await settle(pilot)
        units = cells(screen)
        assert [u[0] for u in units] == ["README.md", "pkg/a.py", "pkg/b.py"]
        assert units[1][1] == "ended" and "claude done" in units[1][2]
        await pilot.press("down", "enter")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert review.texts == {
            "gpt": "gpt says ok",
            "claude": "claude says ok",
            "local": "local says ok",
        }
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and len(cells(screen)) == 3  # still the job's units
        await pilot.press("escape")
        await settle(pilot)
        assert len(cells(screen)) == 1  # the jobs again
        await pilot.press("escape")
        assert isinstance(app.screen, HistoryScreen)
