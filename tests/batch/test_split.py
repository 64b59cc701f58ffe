"""A model's requests are cut into several batches where its provider's limits would be passed,
and every answer still finds its unit by custom id."""

from __future__ import annotations

from pathlib import Path

import pytest

from fiedler_tui.core.batch.anthropic_batch import AnthropicBatches
from fiedler_tui.core.batch.job import BatchRunner
from fiedler_tui.core.batch.openai_batch import OpenAIBatches
from fiedler_tui.core.batch.plan import plan_batch
from fiedler_tui.core.batch.state import BatchStore
from fiedler_tui.core.batch.units import UnitSplit
from fiedler_tui.core.budget import DryRunEngine, DryRunOptions
from fiedler_tui.core.config.loader import load_config
from fiedler_tui.core.settings import Settings

from .conftest import BatchWorld


async def test_parts_are_cut_at_the_request_count_and_size_limits(
    batch_world: BatchWorld, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(OpenAIBatches, "max_requests", 2)
    monkeypatch.setattr(AnthropicBatches, "max_bytes", 1)  # one request per batch
    for key, value in batch_world.env().items():
        if key.startswith(("FIEDLER_", "XDG_")):
            monkeypatch.setenv(key, value)
    settings = Settings.load()
    config = load_config(str(batch_world.config_path))
    models = [config.resolve(name) for name in ("gpt", "claude", "gem")]
    options = DryRunOptions(prompt="review")
    with DryRunEngine(settings) as engine:
        plan = plan_batch(
            [batch_world.project], models, config, settings, engine, options, UnitSplit.FILE
        )
    store = BatchStore(tmp_path / "batches")
    async with BatchRunner(config, settings, {}, store) as runner:
        job, entries = runner.new_job(plan, "review", options.system)
        sizes: dict[str, list[int]] = {p.model: [] for p in job.parts}
        for part in job.parts:
            sizes[part.model].append(len(part.custom_ids))
        assert sizes == {"gpt": [2, 1], "claude": [1, 1, 1], "gem": [3]}
        await runner.submit(job, plan, entries)
        assert batch_world.sim.batches.creates == {"openai": 2, "anthropic": 3, "gemini": 1}
        assert await runner.fetch(job) == 9
    assert job.counts() == {"done": 9}
    for unit in job.units:
        folder = batch_world.output_dir / unit.run_id
        assert sorted(p.name for p in folder.glob("*.md")) == ["claude.md", "gem.md", "gpt.md"]
