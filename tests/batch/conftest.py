"""A simulator whose models speak each batch API (and one local server without one), a
models.yaml pointing at it, a project of small files, and the CLI run as a real process."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from fiedler_tui.core.simulator.models_yaml import SimulatedModel, config_text, scripts_for
from fiedler_tui.core.simulator.script import ModelScript
from fiedler_tui.core.simulator.server import Simulator
from tests.support.simulated_project import SimulatedProject

PROMPT = "review this unit"
MODELS = ["gpt", "claude", "gem", "local"]


def batch_models() -> list[SimulatedModel]:
    priced = {"price_in": 2.0, "price_out": 8.0}
    return [
        SimulatedModel(
            name="gpt", kind="openai", script=ModelScript(reply="gpt says ok"), **priced
        ),
        SimulatedModel(
            name="claude", kind="anthropic", script=ModelScript(reply="claude says ok"), **priced
        ),
        SimulatedModel(
            name="gem", kind="gemini", script=ModelScript(reply="gem says ok"), **priced
        ),
        SimulatedModel(
            name="local", kind="openai-compatible", script=ModelScript(reply="local says ok")
        ),
    ]


@dataclass
class BatchWorld(SimulatedProject):
    state_home: Path

    def env(self, **extra: str) -> dict[str, str]:
        return super().env(**{"XDG_STATE_HOME": str(self.state_home), **extra})

    async def submit(self, *extra: str, **env: str) -> tuple[int, str, str]:
        models = [arg for alias in MODELS for arg in ("-m", alias)]
        return await self.cli(
            "batch", "submit", str(self.project), "-p", PROMPT, *models, *extra, **env
        )

    def state_files(self) -> list[Path]:
        folder = self.state_home / "fiedler" / "batches"
        return sorted(folder.glob("*.json")) if folder.is_dir() else []

    def job(self) -> dict[str, object]:
        [path] = self.state_files()
        loaded: dict[str, object] = json.loads(path.read_text())
        return loaded


@pytest.fixture
async def batch_world(tmp_path: Path) -> AsyncIterator[BatchWorld]:
    models = batch_models()
    async with Simulator(scripts_for(models)) as sim:
        config_path = tmp_path / "models.yaml"
        config_path.write_text(config_text(sim.base_url, models))
        project = tmp_path / "project"
        (project / "pkg").mkdir(parents=True)
        (project / "pkg" / "a.py").write_text("def a():\n    return 1\n")
        (project / "pkg" / "b.py").write_text("def b():\n    return 2\n")
        (project / "README.md").write_text("# Project\n")
        yield BatchWorld(sim, config_path, project, tmp_path / "runs", tmp_path / "state")
