"""A simulator with scripted models, a models.yaml pointing at it, and a project folder."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from fiedler_tui.core.simulator.models_yaml import SimulatedModel, config_text, scripts_for
from fiedler_tui.core.simulator.script import Fault, ModelScript
from fiedler_tui.core.simulator.server import Simulator
from tests.support.simulated_project import SimulatedProject

LONG_REPLY = " ".join(f"word{i:03d}" for i in range(400))


class SendWorld(SimulatedProject):
    """The send tests' project: the models of :func:`default_models` (or a test's own)."""

    def point_here(self, monkeypatch: pytest.MonkeyPatch, **extra: str) -> None:
        """Set this world's ``FIEDLER_`` variables (then ``extra``) in this process, for the
        commands a test runs in it."""
        for key, value in self.env(**extra).items():
            if key.startswith("FIEDLER_"):
                monkeypatch.setenv(key, value)


def default_models() -> list[SimulatedModel]:
    return [
        SimulatedModel(name="fast", kind="openai", script=ModelScript(reply="All good. " * 20)),
        SimulatedModel(
            name="claude", kind="anthropic", script=ModelScript(reply="Looks fine. " * 15)
        ),
        SimulatedModel(
            name="broken",
            kind="gemini",
            default=False,
            script=ModelScript(reply="partial words " * 30, faults=(Fault.reset(after_tokens=8),)),
        ),
        SimulatedModel(
            name="slow",
            kind="openai",
            provider="sim-slow",
            default=False,
            script=ModelScript(reply=LONG_REPLY, tokens_per_s=40),
        ),
        SimulatedModel(
            name="lagging",
            kind="anthropic",
            default=False,
            script=ModelScript(reply="Fine. " * 5, ttft_s=0.3),
        ),
        SimulatedModel(
            name="secured",
            kind="openai",
            provider="sim-secured",
            default=False,
            script=ModelScript(reply="ok " * 5),
        ),
    ]


async def make_world(tmp_path: Path, models: Sequence[SimulatedModel]) -> AsyncIterator[SendWorld]:
    async with Simulator(scripts_for(models)) as sim:
        settings = {
            "sim-secured": {"requires_key": True, "key_env": ["SIM_SECURED_KEY"]},
            "sim-gemini": {"max_retries": 0},
        }
        text = config_text(sim.base_url, models, provider_settings=settings)
        config_path = tmp_path / "models.yaml"
        config_path.write_text(text)
        project = tmp_path / "project"
        project.mkdir()
        (project / "app.py").write_text("def main():\n    return 42\n")
        (project / "notes.md").write_text("# Notes\nnothing secret here\n")
        yield SendWorld(sim, config_path, project, tmp_path / "runs")


@pytest.fixture
async def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[SendWorld]:
    async for built in make_world(tmp_path, default_models()):
        built.point_here(monkeypatch)
        yield built
