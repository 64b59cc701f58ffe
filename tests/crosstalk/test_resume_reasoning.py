"""`fiedler crosstalk --resume` and reasoning controls, as real processes: a resume with another
reasoning effort or thinking budget than the deliberation's is refused (exit 2, nothing sent);
without them it goes on with the saved ones, not the models.yaml defaults."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import cast

from fiedler_tui.core.simulator import Fault, ModelScript, SimulatedModel

from .support import crosstalk_processes, kill_after_round_one

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
    models = members()
    args = ["a.py", "-p", "Is x right?", "-m", "thinker", "-m", "reasoner", "--rounds", "2"]
    async with crosstalk_processes(tmp_path, models, args) as cli:
        sim, output, start = cli.sim, cli.output, cli.start
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
