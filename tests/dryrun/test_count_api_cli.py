"""``fiedler dry-run --count-api``: provider counts in a real process against the simulator."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from fiedler_tui.core.simulator import Fault, FaultKind, ModelScript, SimulatedModel, Simulator
from fiedler_tui.core.simulator.models_yaml import config_text, scripts_for

pytestmark = pytest.mark.timeout(60)
MODELS = [
    SimulatedModel(name="claude", kind="anthropic"),
    SimulatedModel(
        name="gem",
        kind="gemini",
        script=ModelScript(count_fault=Fault.of(FaultKind.UNAUTHORIZED)),
    ),
    SimulatedModel(name="local", kind="openai-compatible"),
    SimulatedModel(name="gpt", kind="openai"),
]


@dataclass
class World:
    sim: Simulator
    project: Path
    env: dict[str, str]

    async def dry_run(self, *args: str) -> tuple[int, str, str]:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "fiedler_tui",
            "dry-run",
            str(self.project),
            "-p",
            "Review.",
            *args,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self.env,
            cwd=self.project,
        )
        out, err = await asyncio.wait_for(proc.communicate(), timeout=50)
        assert proc.returncode is not None
        return proc.returncode, out.decode(), err.decode()

    async def models(self, *args: str) -> dict[str, dict[str, Any]]:
        code, out, err = await self.dry_run(*args, "--json")
        assert code == 0, err
        return {m["alias"]: m for m in json.loads(out)["models"]}

    def count_requests(self) -> list[str]:
        return [
            r.path
            for r in self.sim.requests
            if r.path.endswith(("count_tokens", ":countTokens", "/tokenize", "/apply-template"))
        ]


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with Simulator(scripts_for(MODELS)) as sim:
        config = tmp_path / "models.yaml"
        config.write_text(config_text(sim.base_url, MODELS))
        project = tmp_path / "project"
        project.mkdir()
        (project / "app.py").write_text("def main():\n    return 42\n" * 30)
        env = dict(os.environ)
        env.update(
            FIEDLER_CONFIG=str(config),
            FIEDLER_ALLOWED_FILE_ROOTS=str(project),
            FIEDLER_OUTPUT_DIR=str(tmp_path / "runs"),
            FIEDLER_NO_DISK="1",
        )
        yield World(sim, project, env)


async def test_local_servers_count_by_default_and_hosted_ones_are_not_asked(world: World) -> None:
    models = await world.models()
    assert models["local"]["count_method"] == "api"
    assert models["claude"]["count_method"] == "estimate"
    assert models["gem"]["count_method"] == "estimate"
    assert models["gem"]["count_fallback"] is None
    assert all("/sim-openai-compatible/" in p for p in world.count_requests())


async def test_count_api_opts_one_provider_in(world: World) -> None:
    models = await world.models("--count-api", "sim-anthropic")
    claude = models["claude"]
    assert claude["count_method"] == "api"
    assert claude["input_range"] is None
    counted = [r for r in world.sim.requests if r.path.endswith("/v1/messages/count_tokens")]
    assert len(counted) == 1
    assert models["gem"]["count_method"] == "estimate"
    assert not [p for p in world.count_requests() if p.endswith(":countTokens")]


async def test_a_failing_count_falls_back_to_the_estimate_with_the_reason(world: World) -> None:
    models = await world.models("--count-api", "all")
    gem = models["gem"]
    assert gem["count_method"] == "estimate"
    assert gem["count_fallback"].startswith("count endpoint failed: 400 ")
    assert models["gpt"]["count_method"] == "estimate"  # kind openai is never asked
    code, _out, err = await world.dry_run("--count-api", "all")
    assert code == 0
    assert "fiedler: note: gem: estimate (count endpoint failed: 400 " in err


async def test_count_api_names_a_bad_provider(world: World) -> None:
    code, _out, err = await world.dry_run("--count-api", "nowhere")
    assert code == 2
    assert "--count-api nowhere: unknown provider (known: all, sim-anthropic" in err
    code, _out, err = await world.dry_run("--count-api", "sim-openai")
    assert code == 2
    assert "--count-api sim-openai: kind openai has no count endpoint" in err
    assert "Traceback" not in err
