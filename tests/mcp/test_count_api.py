"""fiedler_dry_run asks count endpoints as the command line does: local servers, and providers
with ``count: api`` in models.yaml; other hosted providers are never sent the package."""

from __future__ import annotations

from pathlib import Path

import pytest

from fiedler_tui.core.simulator.models_yaml import SimulatedModel, config_text

from .conftest import McpWorld, ThreadedSimulator

pytestmark = pytest.mark.timeout(60)
MODELS = [
    SimulatedModel(name="claude", kind="anthropic"),
    SimulatedModel(name="gem", kind="gemini"),
    SimulatedModel(name="local", kind="openai-compatible"),
]


async def test_the_dry_run_tool_counts_by_api_where_models_yaml_allows_it(
    tmp_path: Path,
) -> None:
    simulator = ThreadedSimulator(MODELS)
    try:
        config_path = tmp_path / "models.yaml"
        config_path.write_text(
            config_text(
                simulator.sim.base_url,
                MODELS,
                provider_settings={"sim-anthropic": {"count": "api"}},
            )
        )
        project = tmp_path / "project"
        project.mkdir()
        (project / "app.py").write_text("def main():\n    return 42\n" * 10)
        world = McpWorld(tmp_path, project, tmp_path, config_path, tmp_path / "runs", simulator.sim)
        async with world.client() as client:
            dry = await client.call_tool(
                "fiedler_dry_run", {"prompt": "review", "files": ["app.py"]}
            )
        paths = [r.path for r in simulator.sim.requests]
    finally:
        simulator.close()
    assert not dry.is_error
    methods = {m["alias"]: m["count_method"] for m in dry.structured_content["models"]}
    assert methods == {"claude": "api", "gem": "estimate", "local": "api"}
    assert sum(p.endswith("/v1/messages/count_tokens") for p in paths) == 1
    assert not [p for p in paths if p.endswith(":countTokens")]
