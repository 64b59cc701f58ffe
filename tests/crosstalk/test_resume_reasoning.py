"""`fiedler crosstalk --resume` and reasoning controls, as real processes: a resume with another
reasoning effort or thinking budget than the deliberation's is refused (exit 2, nothing sent);
without them it goes on with the saved ones, not the models.yaml defaults."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import cast

from fiedler_tui.core.simulator import Fault, ModelScript, SimulatedModel, Simulator
from fiedler_tui.core.simulator.models_yaml import config_text, scripts_for

from .support import kill_after_round_one

STALL_SECOND = cast(tuple[Fault, ...], (None, Fault.stall()))
"""The first request answers, the second stalls until the client leaves, later ones answer."""
DIFFERS = "the reasoning effort or thinking budget differs from run"


def members() -> list[SimulatedModel]:
    return [
        SimulatedModel(
            name="thinker",
            kind="anthropic",
            script=ModelScript(reply="thinker: fine.", deliberates=True),
            reasoning={
                "thinking_budget_range": [1024, 32000],
                "thinking_optional": True,
                "thinking_budget": 1500,
            },
        ),
        SimulatedModel(
            name="reasoner",
            kind="openai",
            script=ModelScript(reply="reasoner: fine.", deliberates=True, faults=STALL_SECOND),
            reasoning={"reasoning_efforts": ["low", "high"], "reasoning_effort": "low"},
        ),
    ]


async def test_resume_refuses_other_reasoning_and_keeps_the_saved_one(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "a.py").write_text("x = 1\n")
    output = tmp_path / "runs"
    models = members()
    async with Simulator(scripts_for(models)) as sim:
        config = tmp_path / "models.yaml"
        config.write_text(config_text(sim.base_url, models))
        env = {
            **os.environ,
            "FIEDLER_CONFIG": str(config),
            "FIEDLER_ALLOWED_FILE_ROOTS": str(project),
            "FIEDLER_OUTPUT_DIR": str(output),
        }
        args = ["a.py", "-p", "Is x right?", "-m", "thinker", "-m", "reasoner", "--rounds", "2"]

        async def start(*extra: str) -> asyncio.subprocess.Process:
            return await asyncio.create_subprocess_exec(
                sys.executable, "-m", "fiedler_tui", "crosstalk", *args, *extra,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
                env=env, cwd=project,
            )  # fmt: skip

        proc = await start("--reasoning-effort", "high", "--thinking-budget", "2048")
        # until round 1 is saved and the reasoner's round 2 stalls
        summary = await kill_after_round_one(proc, output, sim, "reasoner")
        run_id = str(summary["run_id"])
        assert summary["reasoning"] == {"effort": "high", "thinking_budget": 2048}
        sent = len(sim.requests)

        for other in (
            ("--reasoning-effort", "low"),
            ("--thinking-budget", "3000"),
            ("--reasoning-effort", "high", "--thinking-budget", "1500"),
        ):
            proc = await start("--resume", run_id, *other)
            _, err = await asyncio.wait_for(proc.communicate(), timeout=60)
            assert proc.returncode == 2, err.decode()
            assert f"{DIFFERS} {run_id}'s; leave them out" in err.decode()
            assert "Traceback" not in err.decode()
        assert len(sim.requests) == sent

        proc = await start("--resume", run_id, "--json")
        out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
        assert proc.returncode == 0, err.decode()
        assert json.loads(out)["status"] == "complete"
        # round 2 again, with the deliberation's own choices (not models.yaml's 1,500 and low)
        thinker, reasoner = sim.requests_for("thinker")[-1], sim.requests_for("reasoner")[-1]
        assert thinker.body["thinking"] == {"type": "enabled", "budget_tokens": 2048}
        assert reasoner.body["reasoning_effort"] == "high"
