"""Each ``Retrying`` event carries the real number of the retry about to happen."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest
from providers_support import KINDS, RecordingSleep, run_models, sim_config

from fiedler_tui.core.runner import Retrying, Runner
from fiedler_tui.core.simulator import Fault, ModelScript, SimulatedModel, Simulator
from fiedler_tui.core.simulator.models_yaml import config_text, scripts_for

FAULTS = (Fault.server_error(503), Fault.rate_limit(retry_after="1"), Fault.server_error(500))


@pytest.mark.parametrize("kind", KINDS)
async def test_retrying_events_count_one_two_three(
    kind: str, recording_sleep: RecordingSleep
) -> None:
    models = [SimulatedModel(name="m", kind=kind, script=ModelScript(reply="ok", faults=FAULTS))]
    async with Simulator({"m": models[0].script}) as sim:
        config = sim_config(sim, models, {f"sim-{kind}": {"max_retries": 3}})
        async with Runner(config, {}, sleep=recording_sleep) as runner:
            result = await run_models(runner, ["m"])
    retrying = result.of_type("m", Retrying)
    assert [r.error.retry_count for r in retrying] == [1, 2, 3]
    assert [r.attempt for r in retrying] == [2, 3, 4]
    assert result.finished("m").retry_count == 3


async def test_send_events_and_the_summary_agree_on_retries_and_tok_s(tmp_path: Path) -> None:
    """The CLI's --events lines, its summary's retries list and its progress lines, as a user
    sees them: retries numbered 1 and 2, and "– tok/s" for a short answer that came at once."""
    faults = (Fault.rate_limit(retry_after_ms="10"), Fault.server_error(503))
    models = [
        SimulatedModel(name="flaky", script=ModelScript(reply="fine " * 30, faults=faults)),
        SimulatedModel(name="burst", kind="anthropic", script=ModelScript(reply="All fine here.")),
    ]
    async with Simulator(scripts_for(models)) as sim:
        config = tmp_path / "models.yaml"
        config.write_text(config_text(sim.base_url, models))
        project = tmp_path / "project"
        project.mkdir()
        (project / "app.py").write_text("print('hello')\n")
        runs = tmp_path / "runs"
        env = {
            **os.environ,
            "FIEDLER_CONFIG": str(config),
            "FIEDLER_ALLOWED_FILE_ROOTS": str(project),
            "FIEDLER_OUTPUT_DIR": str(runs),
        }
        proc = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "fiedler_tui", "send", str(project), "-p", "review"),
            *("-m", "flaky", "-m", "burst", "--events"),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
            cwd=project,
        )
        out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode == 0, err.decode()
    events = [json.loads(line) for line in out.decode().splitlines()]
    retrying = [e for e in events if e["type"] == "Retrying"]
    assert [(e["attempt"], e["error"]["retry_count"]) for e in retrying] == [(2, 1), (3, 2)]
    [run_dir] = runs.iterdir()
    summary = json.loads((run_dir / "summary.json").read_text())
    flaky, burst = sorted(summary["models"], key=lambda m: m["alias"] != "flaky")
    assert [r["attempt"] for r in flaky["retries"]] == [e["attempt"] for e in retrying]
    assert [r["code"] for r in flaky["retries"]] == [e["error"]["code"] for e in retrying]
    assert burst["tokens_per_s"] is None
    [done] = [line for line in err.decode().splitlines() if "burst" in line and "done:" in line]
    assert "done: 3 tokens in " in done and done.endswith("s, – tok/s"), done
