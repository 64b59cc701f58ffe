"""`fiedler dry-run` and `send` with reasoning flags, as real processes against the simulator:
the reserve split, refusals, the thinking saved beside the answer, reasoning tokens and cost."""

from __future__ import annotations

import json
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from fiedler_tui.core.simulator.models_yaml import SimulatedModel
from fiedler_tui.core.simulator.script import ModelScript

from .conftest import SendWorld, make_world
from .test_send_process import run_cli, run_send

THOUGHTS = "Check the loop first, then the timeouts."
REPLY = "Both are fine."


def reasoning_models() -> list[SimulatedModel]:
    script = ModelScript(reply=REPLY, thoughts=THOUGHTS)
    return [
        SimulatedModel(
            name="thinker",
            kind="anthropic",
            script=script,
            max_completion_tokens=4096,
            price_out=15.0,
            reasoning={"thinking_budget_range": [1024, 32000], "thinking_optional": True},
        ),
        SimulatedModel(
            name="reasoner",
            kind="openai",
            script=script,
            price_in=1.0,
            price_out=10.0,
            reasoning={"reasoning_efforts": ["low", "medium", "high"]},
        ),
        SimulatedModel(
            name="plain",
            kind="openai",
            provider="sim-plain",
            default=False,
            script=ModelScript(reply=REPLY),
        ),
    ]


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[SendWorld]:
    async for built in make_world(tmp_path, reasoning_models()):
        yield built


async def test_dry_run_shows_the_reserve_split_and_refuses_what_a_model_cannot_take(
    world: SendWorld,
) -> None:
    project = str(world.project)
    code, out, err = await run_cli(
        world, "dry-run", project, "-p", "q", "-m", "thinker", "--thinking-budget", "3000"
    )
    assert code == 0, err
    assert "thinker: reserve 4,096 (thinking 3,000 + answer 1,096)" in out
    code, out, _ = await run_cli(
        world, "dry-run", project, "-p", "q", "-m", "thinker", "--thinking-budget", "3000", "--json"
    )
    [budget] = json.loads(out)["models"]
    assert budget["thinking_budget"] == 3000 and budget["completion_reserve"] == 4096
    code, _, err = await run_cli(
        world, "dry-run", project, "-p", "q", "-m", "thinker", "--thinking-budget", "4096"
    )
    assert code == 3
    assert "thinker: thinking budget 4,096 must be smaller than the completion reserve" in err
    code, _, err = await run_cli(
        world, "dry-run", project, "-p", "q", "-m", "plain", "--reasoning-effort", "high"
    )
    assert code == 3
    assert "none of the models takes a reasoning effort (plain)" in err
    code, _, err = await run_cli(
        world, "dry-run", project, "-p", "q", "-m", "reasoner", "--reasoning-effort", "minimal"
    )
    assert code == 3
    assert "reasoner takes reasoning effort low, medium, high, not 'minimal'" in err
    code, _, err = await run_cli(world, "dry-run", project, "-p", "q", "--thinking-budget", "-5")
    assert code == 2 and "expected a whole number, 0 or more" in err
    assert world.sim.requests == []


async def test_send_saves_thinking_beside_the_answer_with_reasoning_usage(
    world: SendWorld,
) -> None:
    code, out, err = await run_send(
        world,
        "-m",
        "thinker",
        "-m",
        "reasoner",
        "--thinking-budget",
        "2048",
        "--reasoning-effort",
        "high",
        "--events",
    )
    assert code == 0, err
    events = [json.loads(line) for line in out.splitlines()]
    thinking = [e for e in events if e["type"] == "ThinkingDelta"]
    answer = [e for e in events if e["type"] == "TextDelta"]
    assert "".join(e["text"] for e in thinking if e["model"] == "thinker") == THOUGHTS
    assert "".join(e["text"] for e in answer if e["model"] == "thinker") == REPLY
    [thinker_request] = world.sim.requests_for("thinker")
    assert thinker_request.body["thinking"] == {"type": "enabled", "budget_tokens": 2048}
    [reasoner_request] = world.sim.requests_for("reasoner")
    assert reasoner_request.body["reasoning_effort"] == "high"

    [run_dir] = list(world.output_dir.iterdir())
    for alias in ("thinker", "reasoner"):
        assert (run_dir / f"{alias}.md").read_text() == REPLY
        thought_file = run_dir / f"{alias}.thinking.md"
        assert thought_file.read_text() == THOUGHTS
        assert stat.S_IMODE(thought_file.stat().st_mode) == 0o600
    assert not list(run_dir.glob("*.partial"))
    summary = json.loads((run_dir / "summary.json").read_text())
    models = {m["alias"]: m for m in summary["models"]}
    words = len(THOUGHTS.split())
    thinker, reasoner = models["thinker"], models["reasoner"]
    assert thinker["thinking_file"] == "thinker.thinking.md", thinker
    assert thinker["thinking_chars"] == len(THOUGHTS)
    assert thinker["thinking_budget"] == 2048 and thinker["reasoning_effort"] is None
    assert thinker["usage_output"] == len(REPLY.split()) + words  # thinking is output
    assert thinker["usage_reasoning"] is None  # Anthropic reports no separate figure
    assert reasoner["reasoning_effort"] == "high" and reasoner["thinking_budget"] is None
    assert reasoner["usage_reasoning"] == words
    assert reasoner["usage_output"] == len(REPLY.split()) + words
    # reasoning tokens are billed as output
    expected = (1.0 * reasoner["usage_input"] + 10.0 * reasoner["usage_output"]) / 1e6
    assert reasoner["cost_usd"] == pytest.approx(expected, abs=1e-6)
    assert reasoner["cost_parts"]["reasoning"] == pytest.approx(10.0 * words / 1e6, abs=1e-9)

    code, out, err = await run_cli(world, "runs", "show", summary["run_id"])
    assert code == 0, err
    assert f"reasoning {words}" in out
    assert "thinker.thinking.md" in out


async def test_a_model_that_thinks_nothing_gets_no_thinking_file(world: SendWorld) -> None:
    code, _, err = await run_send(world, "-m", "plain", "-m", "thinker")
    assert code == 0, err
    [run_dir] = list(world.output_dir.iterdir())
    assert sorted(p.name for p in run_dir.iterdir()) == ["plain.md", "summary.json", "thinker.md"]
    summary = json.loads((run_dir / "summary.json").read_text())
    for model in summary["models"]:
        assert model["thinking_file"] is None and model["thinking_chars"] is None
