"""A batch job never sends a unit to a model the egress rules forbid one of its files: the set's
dry run refuses it, and so does the submit itself when its plan was made without the rules."""

from __future__ import annotations

import pytest

from fiedler_tui.core.batch.job import BatchRunner
from fiedler_tui.core.batch.plan import plan_batch
from fiedler_tui.core.batch.state import BatchStore
from fiedler_tui.core.batch.units import UnitSplit
from fiedler_tui.core.budget import DryRunEngine, DryRunOptions, SendBlockedError
from fiedler_tui.core.config.loader import load_config
from fiedler_tui.core.settings import Settings

from .conftest import BatchWorld

RULES = """
egress:
  default: allow
  rules:
    - path: pkg/b.py
      to: [local]
"""


async def test_a_unit_a_model_may_not_receive_is_refused_before_anything_is_sent(
    batch_world: BatchWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch_world.config_path.write_text(batch_world.config_path.read_text() + RULES)
    code, _, err = await batch_world.submit()
    assert code == 3
    assert "pkg/b.py" in err and "egress" in err
    assert batch_world.sim.batches.creates == {} and batch_world.sim.requests == []

    for key, value in batch_world.env().items():
        if key.startswith("FIEDLER_"):
            monkeypatch.setenv(key, value)
    settings = Settings.load()
    config = load_config(str(batch_world.config_path))
    models = [config.resolve(name) for name in ("gpt", "local")]
    options = DryRunOptions(prompt="review")  # a plan made without the rules
    with DryRunEngine(settings) as engine:
        plan = plan_batch(
            [batch_world.project], models, config, settings, engine, options, UnitSplit.FILE
        )
    assert not plan.blockers
    async with BatchRunner(config, settings, {}, BatchStore()) as runner:
        job, entries = runner.new_job(plan, "review", options.system)
        with pytest.raises(SendBlockedError, match=r"pkg/b\.py"):
            await runner.submit(job, plan, entries)
    assert batch_world.sim.batches.creates == {} and batch_world.sim.requests == []
