"""MCP tools' ``reasoning_effort`` and ``thinking_budget``: validated, judged by the dry run,
sent, and the thinking, reasoning tokens and settings reported per model."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from fiedler_tui.core.simulator.models_yaml import SimulatedModel
from fiedler_tui.core.simulator.script import ModelScript
from tests.mcp.conftest import McpWorld, simple_mcp_world

THOUGHTS = "Look at main first."


@pytest.fixture(scope="module")
def thinking_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[McpWorld]:
    root = tmp_path_factory.mktemp("mcp-thinking")
    models = [
        SimulatedModel(
            name="thinker",
            kind="anthropic",
            script=ModelScript(reply="Fine.", thoughts=THOUGHTS),
            reasoning={"thinking_budget_range": [1024, 3000], "thinking_optional": True},
        ),
        SimulatedModel(
            name="reasoner",
            kind="openai-compatible",
            script=ModelScript(reply="Fine.", thoughts=THOUGHTS),
        ),
    ]
    with simple_mcp_world(root, models, outside_folder=False) as world:
        yield world


async def test_reasoning_arguments_are_judged_and_refused_without_sending(
    mcp_world: McpWorld,
) -> None:
    before = len(mcp_world.sim.requests)
    async with mcp_world.client() as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        for name in ("fiedler_dry_run", "fiedler_send", "fiedler_crosstalk"):
            properties = tools[name].input_schema["properties"]
            assert "reasoning_effort" in properties and "thinking_budget" in properties, name
        dry = await client.call_tool(
            "fiedler_dry_run",
            {"prompt": "x", "models": ["careful"], "thinking_budget": 2048},
        )
        content = dry.structured_content
        assert content["sendable"] is False
        assert "none of the models takes a thinking budget (careful)" in " ".join(
            content["blockers"]
        )
        sent = await client.call_tool(
            "fiedler_send", {"prompt": "x", "models": ["quick"], "reasoning_effort": "high"}
        )
        assert sent.is_error
        error = sent.structured_content["error"]
        assert error["code"] == "blocked"
        assert "none of the models takes a reasoning effort (quick)" in " ".join(error["reasons"])
        bad = await client.call_tool(
            "fiedler_send", {"prompt": "x", "models": ["quick"], "thinking_budget": -1}
        )
        assert bad.is_error
        models = (await client.call_tool("fiedler_list_models", {})).structured_content
        quick = next(m for m in models["models"] if m["name"] == "quick")
        assert quick["reasoning_efforts"] == [] and quick["thinking_budget_range"] is None
    assert len(mcp_world.sim.requests) == before


async def test_send_reports_thinking_and_reasoning_tokens(thinking_world: McpWorld) -> None:
    async with thinking_world.client() as client:
        sent = await client.call_tool(
            "fiedler_send", {"prompt": "review", "files": ["app.py"], "thinking_budget": 2048}
        )
        assert not sent.is_error, sent.content
        models = {m["model"]: m for m in sent.structured_content["models"]}
    thinker, reasoner = models["thinker"], models["reasoner"]
    assert thinker["text"] == "Fine." and thinker["thinking_budget"] == 2048
    saved = await asyncio.to_thread(Path(thinker["thinking_file"]).read_text)
    assert saved == THOUGHTS
    assert reasoner["reasoning_tokens"] == len(THOUGHTS.split())
    assert reasoner["thinking_budget"] is None
    [request] = thinking_world.sim.requests_for("thinker")
    assert request.body["thinking"] == {"type": "enabled", "budget_tokens": 2048}
