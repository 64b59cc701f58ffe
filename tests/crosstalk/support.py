"""A simulated world for deliberations: three models, one per wire format, and a runner."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fiedler_tui.core.config.schema import Config
from fiedler_tui.core.crosstalk import (
    CrosstalkEvent,
    Deliberation,
    DeliberationEnded,
    Outcome,
    Plan,
    build_plan,
)
from fiedler_tui.core.files.roots import AllowedRoots
from fiedler_tui.core.runner import Runner
from fiedler_tui.core.simulator import ModelScript, SimulatedModel, Simulator, simulated_config
from fiedler_tui.core.simulator.models_yaml import config_text, scripts_for

KINDS = {"alpha-gpt": "openai", "beta-claude": "anthropic", "gamma-gemini": "gemini"}
"""Member name -> wire format: every deliberation test covers all three."""
PACKAGE = (
    "FIEDLER-PACKAGE v1 files=1\n"
    + 'FILE "big.py" bytes=6000 lines=300\n'
    + "x = 1 # pad\n" * 500
    + '\nEND FILE "big.py"\n'
)
"""Long enough for every simulated provider to cache the stable prefix."""
QUESTION = "Is the padding in big.py a bug?"
KEYS = {"sim-openai": "sk-a", "sim-anthropic": "sk-b", "sim-gemini": "sk-c", "sim-chair": "sk-d"}


def priced_config(**overrides: dict[str, Any]) -> Config:
    """The three members of :data:`KINDS` priced alike (``overrides``: per member, more
    SimulatedModel fields), at an address nothing listens on (for budgets, not sends)."""
    models = [
        SimulatedModel(
            name=name,
            kind=kind,
            max_completion_tokens=1000,
            price_in=10.0,
            price_out=20.0,
            price_cached_in=1.0,
            **overrides.get(name, {}),
        )
        for name, kind in KINDS.items()
    ]
    return simulated_config(lambda kind, name: f"http://127.0.0.1:9/{name}", models)


def reply(name: str, verdict: str = "agree", confidence: int = 80) -> str:
    return f"{name} says: the padding is harmless.\nVERDICT: {verdict} CONFIDENCE: {confidence}"


def sim_models(
    scripts: Mapping[str, ModelScript], *, with_chair: bool = False, **prices: Any
) -> list[SimulatedModel]:
    models = [
        SimulatedModel(name=name, kind=kind, script=scripts[name], **prices)
        for name, kind in KINDS.items()
    ]
    if with_chair:
        models.append(
            SimulatedModel(
                name="chair-model",
                kind="openai",
                provider="sim-chair",
                script=scripts.get("chair-model", ModelScript(reply="CHAIR REPORT")),
            )
        )
    return models


@dataclass
class World:
    sim: Simulator
    config: Config
    runner: Runner

    def bodies(self, name: str) -> list[dict[str, Any]]:
        return [r.body for r in self.sim.requests_for(self.config.resolve(name).wire_id)]

    def plan(self, paradigm: str, members: Sequence[str] = tuple(KINDS), **options: Any) -> Plan:
        return build_plan(
            self.config,
            paradigm=paradigm,
            members=list(members),
            question=QUESTION,
            package_text=PACKAGE,
            roots=AllowedRoots.of([Path.cwd()]),
            **options,
        )


@asynccontextmanager
async def world(
    scripts: Mapping[str, ModelScript], *, with_chair: bool = False, **prices: Any
) -> AsyncIterator[World]:
    models = sim_models(scripts, with_chair=with_chair, **prices)
    async with Simulator({m.model_id: m.script for m in models}) as sim:
        config = simulated_config(sim.base_url, models)
        async with Runner(config, KEYS) as runner:
            yield World(sim, config, runner)


async def deliberate(world: World, plan: Plan) -> tuple[list[CrosstalkEvent], Outcome]:
    events = [event async for event in Deliberation(world.runner, plan).events()]
    last = events[-1]
    assert isinstance(last, DeliberationEnded), last
    return events, last.outcome


def user_texts(body: dict[str, Any]) -> list[str]:
    """Every user turn's text of a body in any of the three formats."""
    if "contents" in body:
        return [
            "".join(p["text"] for p in c["parts"]) for c in body["contents"] if c["role"] == "user"
        ]
    texts = []
    for message in body["messages"]:
        if message["role"] != "user":
            continue
        content = message["content"]
        texts.append(content if isinstance(content, str) else "".join(p["text"] for p in content))
    return texts


def system_text(body: dict[str, Any]) -> str:
    if "systemInstruction" in body:
        return "".join(p["text"] for p in body["systemInstruction"]["parts"])
    if "system" in body:
        system = body["system"]
        return system if isinstance(system, str) else "".join(p["text"] for p in system)
    first = body["messages"][0]
    return str(first["content"]) if first["role"] == "system" else ""


def assistant_texts(body: dict[str, Any]) -> list[str]:
    if "contents" in body:
        return [
            "".join(p["text"] for p in c["parts"]) for c in body["contents"] if c["role"] == "model"
        ]
    return [str(m["content"]) for m in body["messages"] if m["role"] == "assistant"]


def _first_summary(output: Path) -> dict[str, Any] | None:
    found = list(output.glob("*/summary.json")) if output.exists() else []
    return json.loads(found[0].read_text()) if found else None


async def kill_after_round_one(
    proc: asyncio.subprocess.Process, output: Path, sim: Simulator, stalled: str
) -> dict[str, Any]:
    """Wait (30 s at most) until the deliberation ``proc`` runs has saved round 1 under
    ``output`` and ``stalled``'s round 2 request is on its way, then SIGKILL the process; the
    run's summary as saved then."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    summary: dict[str, Any] = {}
    while loop.time() < deadline:
        saved = _first_summary(output)
        if saved is not None:
            summary = saved
            if summary.get("rounds") and len(sim.requests_for(stalled)) == 2:
                break
        await asyncio.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    await proc.wait()
    return summary


@dataclass
class CrosstalkProcesses:
    """``members`` on the simulator and a project holding ``a.py``, for ``fiedler crosstalk``
    run as real processes."""

    sim: Simulator
    project: Path
    output: Path
    env: dict[str, str]
    args: list[str]

    async def start(self, *extra: str) -> asyncio.subprocess.Process:
        """``fiedler crosstalk ARGS EXTRA`` started in the project (stdout and stderr piped)."""
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "fiedler_tui", "crosstalk", *self.args, *extra,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            env=self.env, cwd=self.project,
        )  # fmt: skip


@asynccontextmanager
async def crosstalk_processes(
    folder: Path, members: Sequence[SimulatedModel], args: Sequence[str]
) -> AsyncIterator[CrosstalkProcesses]:
    project = folder / "project"
    project.mkdir()
    (project / "a.py").write_text("x = 1\n")
    output = folder / "runs"
    async with Simulator(scripts_for(members)) as sim:
        config = folder / "models.yaml"
        config.write_text(config_text(sim.base_url, members))
        env = {
            **os.environ,
            "FIEDLER_CONFIG": str(config),
            "FIEDLER_ALLOWED_FILE_ROOTS": str(project),
            "FIEDLER_OUTPUT_DIR": str(output),
        }
        yield CrosstalkProcesses(sim, project, output, env, list(args))
