"""MCP tools' ``reasoning_effort`` and ``thinking_budget``: validated, judged by the dry run."""

from __future__ import annotations

from tests.mcp.conftest import McpWorld


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
