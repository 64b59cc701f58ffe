"""A simulator with three models, a models.yaml with egress rules, and a project holding files
that some of those models may not receive (each carries a marker no other file holds)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from fiedler_tui.core.simulator import ModelScript, SimulatedModel, Simulator
from fiedler_tui.core.simulator.models_yaml import config_text, scripts_for
from tests.support.simulated_project import SimulatedProject

ACME_MARKER = "ACME-CONTRACT-7f3a91"
"""Only in clients/acme/deal.py, which may go to the local model alone."""
PEM_MARKER = "PEM-BODY-c0ffee42"
"""Only in certs/server.pem, which may go to nobody."""
EGRESS = """
egress:
  default: allow
  rules:
    - path: clients/acme/
      to: [local]
    - path: "**/*.pem"
      to: []
"""


def egress_models() -> list[SimulatedModel]:
    def script(name: str) -> ModelScript:
        return ModelScript(reply=f"{name}: looks fine.", deliberates=True)

    return [
        SimulatedModel(name="hosted-gpt", kind="openai", script=script("hosted-gpt")),
        SimulatedModel(name="claude", kind="anthropic", script=script("claude")),
        SimulatedModel(
            name="llama", kind="openai", provider="local", script=script("llama"), default=False
        ),
    ]


class EgressWorld(SimulatedProject):
    def bodies(self, model: str) -> list[str]:
        """Every request body the simulator received for ``model``, as JSON text."""
        return [json.dumps(r.body) for r in self.sim.requests if r.model == model]

    def received(self, marker: str) -> set[str]:
        """The models whose received bodies hold ``marker``."""
        return {str(r.model) for r in self.sim.requests if marker in json.dumps(r.body) and r.model}


@pytest.fixture
async def egress_world(tmp_path: Path) -> AsyncIterator[EgressWorld]:
    models = egress_models()
    async with Simulator(scripts_for(models)) as sim:
        config_path = tmp_path / "models.yaml"
        config_path.write_text(config_text(sim.base_url, models) + EGRESS)
        project = tmp_path / "project"
        (project / "clients" / "acme").mkdir(parents=True)
        (project / "certs").mkdir()
        (project / "app.py").write_text("def main():\n    return 42\n")
        (project / "clients" / "acme" / "deal.py").write_text(f'TERMS = "{ACME_MARKER}"\n')
        (project / "certs" / "server.pem").write_text(f"not a key, only {PEM_MARKER}\n")
        yield EgressWorld(sim, config_path, project, tmp_path / "runs")
