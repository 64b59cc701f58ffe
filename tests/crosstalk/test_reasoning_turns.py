"""`fiedler crosstalk --reasoning-effort/--thinking-budget`: every turn carries them."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

from fiedler_tui.core.config.reasoning import ReasoningChoice
from fiedler_tui.core.crosstalk import Deliberation, RoundEnded
from fiedler_tui.core.crosstalk.record import DeliberationRecorder
from fiedler_tui.core.crosstalk.resume import load_saved
from fiedler_tui.core.simulator import ModelScript, SimulatedModel, Simulator
from fiedler_tui.core.simulator.models_yaml import config_text, scripts_for
from fiedler_tui.core.store.run_store import RunStore
from tests.support.simulated_project import run_fiedler

from .support import KINDS, reply, world


async def test_every_turn_of_a_deliberation_sends_the_reasoning_flags(tmp_path: Path) -> None:
    members = [
        SimulatedModel(
            name="thinker",
            kind="anthropic",
            script=ModelScript(reply="thinker: fine.", deliberates=True, thoughts="hm hm"),
            reasoning={"thinking_budget_range": [1024, 32000], "thinking_optional": True},
        ),
        SimulatedModel(
            name="reasoner",
            kind="openai",
            script=ModelScript(reply="reasoner: fine.", deliberates=True),
            reasoning={"reasoning_efforts": ["low", "high"], "reasoning_effort": "low"},
        ),
    ]
    async with Simulator(scripts_for(members)) as sim:
        config = tmp_path / "models.yaml"
        config.write_text(config_text(sim.base_url, members))
        project = tmp_path / "project"
        project.mkdir()
        (project / "a.py").write_text("x = 1\n")
        env = {
            **os.environ,
            "FIEDLER_CONFIG": str(config),
            "FIEDLER_ALLOWED_FILE_ROOTS": str(project),
            "FIEDLER_OUTPUT_DIR": str(tmp_path / "runs"),
        }
        args = ["crosstalk", str(project), "-m", "thinker", "-m", "reasoner", "-p", "review"]
        args += ["--rounds", "2", "--thinking-budget", "2048", "--reasoning-effort", "high"]
        code, _, err = await run_fiedler(args, env, None)
        assert code == 0, err
        thinker = sim.requests_for("thinker")
        reasoner = sim.requests_for("reasoner")
    assert len(thinker) == 2 and len(reasoner) == 2
    for request in thinker:
        assert request.body["thinking"] == {"type": "enabled", "budget_tokens": 2048}
    for request in reasoner:
        assert request.body["reasoning_effort"] == "high"
    [run] = list((tmp_path / "runs").iterdir())
    assert list(run.rglob("*.md"))  # the turns were saved
    summary = json.loads((run / "summary.json").read_text())
    turns = [turn for step in summary["rounds"] for turn in step["turns"]]
    thinker_turns = [t for t in turns if t["member"] == "thinker"]
    assert len(thinker_turns) == 2
    for turn in thinker_turns:
        assert turn["thinking_file"].endswith("thinker.thinking.md")
        assert (run / turn["thinking_file"]).read_text() == "hm hm"
        assert (run / turn["output_file"]).read_text().startswith("thinker")
    assert all(t["thinking_file"] is None for t in turns if t["member"] == "reasoner")


async def test_a_resumed_deliberation_keeps_the_reasoning_it_was_sent_with(tmp_path: Path) -> None:
    scripts = {name: ModelScript(reply=reply(name)) for name in KINDS}
    store = RunStore(tmp_path)
    async with world(scripts) as w:
        plan = dataclasses.replace(
            w.plan("debate", rounds=2), reasoning=ReasoningChoice("high", 2048)
        )
        recorder = DeliberationRecorder(store, plan, app_version="t", package={})
        deliberation = Deliberation(w.runner, plan)
        async for event in deliberation.events():
            recorder.observe(event)
            if isinstance(event, RoundEnded):
                deliberation.cancel_all()
    assert recorder.outcome is not None and recorder.outcome.status == "cancelled"
    saved = load_saved(store.find(recorder.run_id))
    assert saved.reasoning == ReasoningChoice("high", 2048)
