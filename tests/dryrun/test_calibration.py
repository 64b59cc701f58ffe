"""Estimates that learn: ratios recorded by real sends, the calibrated dry run, ``fiedler models``."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from fiedler_tui.core.simulator import SimulatedModel, Simulator
from fiedler_tui.core.simulator.models_yaml import config_text, scripts_for
from fiedler_tui.core.tokens.calibration import (
    MIN_RUNS,
    CalibrationIndex,
    calibrate,
    calibration_path,
)
from tests.support.simulated_project import run_fiedler

pytestmark = pytest.mark.timeout(90)
MODELS = [
    SimulatedModel(name="claude", kind="anthropic"),
    SimulatedModel(name="other", kind="anthropic", default=False),
]


def test_the_median_ignores_an_outlier_and_the_band_follows_the_spread() -> None:
    assert calibrate([2.0] * (MIN_RUNS - 1)) is None
    learned = calibrate([2.0, 2.1, 1.9, 2.0, 9.0])
    assert learned is not None
    assert learned.factor == 2.0 and learned.runs == 5
    assert learned.label == "calibrated from 5 runs, ±5 %"
    assert learned.apply(1000) == (2000, (1900, 2100))
    steady = calibrate([1.5, 1.5, 1.5])
    assert steady is not None and steady.label == "calibrated from 3 runs, ±1 %"


def test_absurd_ratios_are_not_recorded_and_only_recent_runs_count(tmp_path: Path) -> None:
    index = CalibrationIndex(tmp_path / "calibration.json")
    assert not index.record("m", 0, 100)
    assert not index.record("m", 100_000, 10)
    for reported in range(100, 130):
        assert index.record("m", reported, 100)
    index.save()
    again = CalibrationIndex(tmp_path / "calibration.json").refresh()
    assert len(again.ratios("m")) == 20
    assert again.ratios("m")[0] == 1.1


async def run_cli(env: dict[str, str], cwd: Path, *args: str) -> tuple[int, str, str]:
    return await run_fiedler(args, env, cwd)


async def test_sends_calibrate_the_next_dry_run_and_fiedler_models(tmp_path: Path) -> None:
    async with Simulator(scripts_for(MODELS)) as sim:
        config = tmp_path / "models.yaml"
        config.write_text(config_text(sim.base_url, MODELS))
        project = tmp_path / "project"
        project.mkdir()
        (project / "app.py").write_text("def main():\n    return [x * 2 for x in range(42)]\n" * 40)
        env = dict(os.environ)
        env.update(
            FIEDLER_CONFIG=str(config),
            FIEDLER_ALLOWED_FILE_ROOTS=str(project),
            FIEDLER_OUTPUT_DIR=str(tmp_path / "runs"),
        )

        async def dry_run() -> dict[str, Any]:
            code, out, err = await run_cli(
                env, project, "dry-run", str(project), "-p", "Review.", "-m", "claude", "--json"
            )
            assert code == 0, err
            [model] = json.loads(out)["models"]
            return dict(model)

        before = await dry_run()
        assert before["calibration"] is None
        assert "may be far off" in before["count_label"]
        for run in range(MIN_RUNS):
            code, _out, err = await run_cli(
                env, project, "send", str(project), "-p", f"Review, pass {run}.", "-m", "claude"
            )
            assert code == 0, err
        summaries = [json.loads(p.read_text()) for p in (tmp_path / "runs").glob("*/summary.json")]
        reported = [
            m["usage_input"] for s in summaries for m in s["models"] if m["alias"] == "claude"
        ]
        after = await dry_run()
        code, out, err = await run_cli(env, project, "models", "--json")
        assert code == 0, err
        listed = {m["alias"]: m for m in json.loads(out)["models"]}
    assert len(reported) == MIN_RUNS
    assert after["count_label"].startswith(f"estimate, calibrated from {MIN_RUNS} runs, ±")
    assert after["estimate_base"] == before["input_tokens"]
    # The calibrated figure lands within a few tokens of what the provider reported.
    assert abs(after["input_tokens"] - reported[0]) <= 0.02 * reported[0]
    assert after["input_tokens"] != before["input_tokens"]
    low, high = after["input_range"]
    assert low <= after["input_tokens"] <= high
    assert listed["claude"]["calibration"]["runs"] == MIN_RUNS
    assert listed["claude"]["count_text"].startswith("estimate × ")
    assert listed["other"]["calibration"] is None
    assert "may be far off" in listed["other"]["count_text"]
    mode = stat.S_IMODE(calibration_path().stat().st_mode)
    assert mode & 0o077 == 0
