"""The MCP tools over stdio with the SDK's client: a file the egress rules forbid to a model never
reaches it, through fiedler_send (refused, or a reduced package) and fiedler_crosstalk."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from fiedler_tui.core.simulator.models_yaml import config_text
from tests.mcp.conftest import FIEDLER, ThreadedSimulator

from .conftest import ACME_MARKER, EGRESS, PEM_MARKER, egress_models


class McpEgressWorld:
    def __init__(self, root: Path, simulator: ThreadedSimulator) -> None:
        self.root = root
        self.sim = simulator.sim
        self.project = root / "project"

    def client(self) -> Client:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FIEDLER_")}
        for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            env[variable] = str(self.root / "home" / variable.lower())
        env.update(
            FIEDLER_CONFIG=str(self.root / "models.yaml"),
            FIEDLER_OUTPUT_DIR=str(self.root / "runs"),
            FIEDLER_LOG_FILE=str(self.root / "fiedler.log"),
            FIEDLER_ALLOWED_FILE_ROOTS=str(self.project),
            PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
        )
        params = StdioServerParameters(
            command=FIEDLER[0], args=[*FIEDLER[1:], "mcp"], env=env, cwd=str(self.project)
        )
        return Client(params, read_timeout_seconds=60)

    def received(self, marker: str) -> set[str]:
        return {str(r.model) for r in self.sim.requests if marker in json.dumps(r.body)}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[McpEgressWorld]:
    root = tmp_path_factory.mktemp("mcp-egress")
    models = egress_models()
    simulator = ThreadedSimulator(models)
    try:
        (root / "models.yaml").write_text(config_text(simulator.sim.base_url, models) + EGRESS)
        project = root / "project"
        (project / "clients" / "acme").mkdir(parents=True)
        (project / "certs").mkdir()
        (project / "app.py").write_text("def main():\n    return 42\n")
        (project / "clients" / "acme" / "deal.py").write_text(f'TERMS = "{ACME_MARKER}"\n')
        (project / "certs" / "server.pem").write_text(f"not a key, only {PEM_MARKER}\n")
        yield McpEgressWorld(root, simulator)
    finally:
        simulator.close()


async def test_mcp_tools_never_send_a_forbidden_file(world: McpEgressWorld) -> None:
    ask: dict[str, Any] = {"prompt": "review", "files": ["."], "models": ["hosted-gpt", "llama"]}
    async with world.client() as client:
        config = (await client.call_tool("fiedler_get_config", {})).structured_content or {}
        assert any("'**/*.pem' to nobody" in rule for rule in config["egress_rules"])
        preview = await client.call_tool("fiedler_dry_run", ask)
        data = preview.structured_content or {}
        assert data["egress"]["models"]["hosted-gpt"]["action"] == "refused"
        assert [w["path"] for w in data["egress"]["models"]["llama"]["withheld"]] == [
            "certs/server.pem"
        ]

        refused = await client.call_tool("fiedler_send", ask)
        assert refused.is_error and refused.structured_content is not None
        error = refused.structured_content["error"]
        assert error["code"] == "egress"
        assert any("hosted-gpt may not receive 2 files" in r for r in error["reasons"])
        assert any("'**/*.pem' to nobody" in r for r in error["reasons"])
        assert world.sim.requests == []

        deliberation = await client.call_tool(
            "fiedler_crosstalk", {**ask, "files": ["app.py", "clients"], "rounds": 2}
        )
        assert deliberation.is_error and deliberation.structured_content is not None
        reasons = deliberation.structured_content["error"]["reasons"]
        assert any("hosted-gpt may not receive 1 file of the package" in r for r in reasons)
        assert world.sim.requests == []

        reduced = await client.call_tool("fiedler_send", {**ask, "egress": "reduce"})
        assert not reduced.is_error, reduced.structured_content
        result = reduced.structured_content or {}
        assert {m["model"]: m["status"] for m in result["models"]} == {
            "hosted-gpt": "done",
            "llama": "done",
        }
        withheld = {m["model"]: [w["path"] for w in m["withheld"]] for m in result["models"]}
        assert withheld == {
            "hosted-gpt": ["certs/server.pem", "clients/acme/deal.py"],
            "llama": ["certs/server.pem"],
        }
    assert world.received(ACME_MARKER) == {"llama"}
    assert world.received(PEM_MARKER) == set()
    assert {str(r.model) for r in world.sim.requests} == {"hosted-gpt", "llama"}
