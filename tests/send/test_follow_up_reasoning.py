"""`fiedler send --continue` and reasoning controls, as real processes against the simulator:
each model keeps the reasoning effort and thinking budget its turn 1 was sent (not the
models.yaml default), and ``--reasoning-effort``/``--thinking-budget`` override them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.follow_up_reasoning import reasoning_models

from .conftest import SendWorld, make_world
from .test_send_process import PROMPT, run_cli, run_send


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[SendWorld]:
    async for built in make_world(tmp_path, reasoning_models()):
        yield built


def sent(world: SendWorld) -> tuple[Any, Any]:
    """The thinker's thinking and the reasoner's effort in their last requests."""
    thinker = world.sim.requests_for("thinker")[-1].body.get("thinking")
    reasoner = world.sim.requests_for("reasoner")[-1].body.get("reasoning_effort")
    return thinker, reasoner


def turn_records(run_dir: Path, turn: int) -> dict[str, dict[str, Any]]:
    summary = json.loads((run_dir / "turns" / str(turn) / "summary.json").read_text())
    return {m["alias"]: m for m in summary["models"]}


async def test_a_follow_up_keeps_turn_one_reasoning_unless_overridden(world: SendWorld) -> None:
    code, _, err = await run_send(
        world, "--thinking-budget", "2048", "--reasoning-effort", "high", "--json"
    )
    assert code == 0, err
    assert sent(world) == ({"type": "enabled", "budget_tokens": 2048}, "high")
    [run_dir] = list(world.output_dir.iterdir())
    run_id = json.loads((run_dir / "summary.json").read_text())["run_id"]
    again = ("--earlier-prompt", PROMPT)

    # no flag: turn 1's choices, not models.yaml's 1,500 and "low"
    code, _, err = await run_cli(world, "send", "--continue", run_id, "-p", "and then?", *again)
    assert code == 0, err
    assert "thinker:" in err and "(thinking 2,048 + answer 6,144)" in err
    assert "(reasoning high + answer)" in err
    assert sent(world) == ({"type": "enabled", "budget_tokens": 2048}, "high")
    records = turn_records(run_dir, 2)
    assert records["thinker"]["thinking_budget"] == 2048
    assert records["reasoner"]["reasoning_effort"] == "high"

    # the follow-up's own flags override them (turn 3 reads turn 1's, not turn 2's)
    code, _, err = await run_cli(
        world, "send", "--continue", run_id, "-p", "more?", *again,
        "--earlier-prompt", "and then?", "--reasoning-effort", "medium", "--thinking-budget", "3000",
    )  # fmt: skip
    assert code == 0, err
    assert sent(world) == ({"type": "enabled", "budget_tokens": 3000}, "medium")
    records = turn_records(run_dir, 3)
    assert records["thinker"]["thinking_budget"] == 3000
    assert records["reasoner"]["reasoning_effort"] == "medium"

    # refused as a send's are, before anything is sent
    asked = len(world.sim.requests)
    again = (*again, "--earlier-prompt", "and then?", "--earlier-prompt", "more?")
    code, _, err = await run_cli(
        world, "send", "--continue", run_id, "-p", "more?", *again,
        "--reasoning-effort", "minimal",
    )  # fmt: skip
    assert code == 3
    assert "reasoner takes reasoning effort low, medium, high, not 'minimal'" in err
    code, _, err = await run_cli(
        world, "send", "--continue", run_id, "-p", "more?", *again, "--thinking-budget", "9000"
    )
    assert code == 3 and "must be smaller than the completion reserve" in err
    assert len(world.sim.requests) == asked
    assert not (run_dir / "turns" / "4").exists()


async def test_turn_one_effort_no_longer_listed_is_refused_naming_the_flag(
    world: SendWorld,
) -> None:
    code, _, err = await run_send(world, "-m", "reasoner", "--reasoning-effort", "high")
    assert code == 0, err
    [run_dir] = list(world.output_dir.iterdir())
    run_id = json.loads((run_dir / "summary.json").read_text())["run_id"]
    text = world.config_path.read_text()
    world.config_path.write_text(text.replace("- high", "").replace('"high"', ""))
    again = ("--earlier-prompt", PROMPT)
    code, _, err = await run_cli(world, "send", "--continue", run_id, "-p", "q", *again)
    assert code != 0 and "reasoning effort 'high' in turn 1" in err, err
    assert "--reasoning-effort" in err and "Traceback" not in err
    code, _, err = await run_cli(
        world, "send", "--continue", run_id, "-p", "q", *again, "--reasoning-effort", "medium"
    )
    assert code == 0, err
    assert world.sim.requests_for("reasoner")[-1].body["reasoning_effort"] == "medium"
