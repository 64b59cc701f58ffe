"""fiedler_list_models shows prices (cached input, cache writes, long-context tiers) and the
reasoning controls each model takes, in its output schema too; fiedler_runs and fiedler_run
report a followed-up run's whole cost beside its first turn's. Over stdio with the SDK's client;
the follow-up is a real `fiedler send --continue` process."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest

from fiedler_tui.core.simulator.models_yaml import SimulatedModel
from fiedler_tui.core.simulator.script import ModelScript
from tests.mcp.conftest import FIEDLER, McpWorld, simple_mcp_world

TIER = {
    "above_input_tokens": 100_000,
    "price_in": 6.0,
    "price_out": 22.5,
    "price_cached_in": 0.6,
    "price_cache_write": 7.5,
}
MODELS = [
    SimulatedModel(
        name="claude",
        kind="anthropic",
        script=ModelScript(reply="Fine. " * 10),
        price_in=3.0,
        price_out=15.0,
        price_cached_in=0.3,
        price_cache_write=3.75,
        price_tiers=(TIER,),
        reasoning={"thinking_budget_range": [1024, 3000], "thinking_optional": True},
    ),
    SimulatedModel(
        name="reasoner",
        script=ModelScript(reply="Also fine. " * 10),
        price_in=1.0,
        price_out=10.0,
        reasoning={"reasoning_efforts": ["low", "high"], "reasoning_effort": "low"},
    ),
]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[McpWorld]:
    root = tmp_path_factory.mktemp("mcp-costs")
    with simple_mcp_world(root, MODELS, outside_folder=False) as world:
        yield world


async def test_list_models_shows_price_tiers_cached_prices_and_reasoning(world: McpWorld) -> None:
    async with world.client() as client:
        tool = {t.name: t for t in (await client.list_tools()).tools}["fiedler_list_models"]
        schema = json.dumps(tool.output_schema)
        for field in (
            "price_tiers",
            "price_cached_in_usd_per_million",
            "price_cache_write_usd_per_million",
            "above_input_tokens",
            "reasoning_efforts",
            "thinking_budget_range",
            "thinking_optional",
            "include_thoughts",
        ):
            assert field in schema, field
        listed = await client.call_tool("fiedler_list_models", {})
    assert not listed.is_error, listed.content
    content: dict[str, Any] = listed.structured_content or {}
    assert json.loads(listed.content[0].text) == content
    rows = {m["name"]: m for m in content["models"]}
    claude, reasoner = rows["claude"], rows["reasoner"]
    assert claude["price_in_usd_per_million"] == 3.0
    assert claude["price_cached_in_usd_per_million"] == 0.3
    assert claude["price_cache_write_usd_per_million"] == 3.75
    assert claude["price_tiers"] == [
        {
            "above_input_tokens": 100_000,
            "price_in_usd_per_million": 6.0,
            "price_out_usd_per_million": 22.5,
            "price_cached_in_usd_per_million": 0.6,
            "price_cache_write_usd_per_million": 7.5,
        }
    ]
    assert claude["thinking_budget_range"] == [1024, 3000] and claude["thinking_optional"]
    assert claude["thinking_budget"] is None and claude["reasoning_efforts"] == []
    assert reasoner["reasoning_efforts"] == ["low", "high"]
    assert reasoner["reasoning_effort"] == "low" and reasoner["thinking_budget_range"] is None
    assert reasoner["price_cached_in_usd_per_million"] is None
    assert reasoner["price_tiers"] == [] and not reasoner["thinking_optional"]


async def test_runs_report_the_whole_cost_with_follow_ups(world: McpWorld) -> None:
    async with world.client() as client:
        sent = await client.call_tool(
            "fiedler_send", {"prompt": "review", "files": ["app.py"], "models": ["reasoner"]}
        )
        assert not sent.is_error, sent.content
        run_id = (sent.structured_content or {})["run_id"]
        followed = await asyncio.create_subprocess_exec(
            *FIEDLER, "send", "--continue", run_id, "-p", "more?", "--earlier-prompt", "review",
            stderr=asyncio.subprocess.PIPE, env=world.env(), cwd=world.project,
        )  # fmt: skip
        _, err = await asyncio.wait_for(followed.communicate(), timeout=60)
        assert followed.returncode == 0, err.decode()
        turn2 = json.loads((world.output_dir / run_id / "turns" / "2" / "summary.json").read_text())
        first = json.loads((world.output_dir / run_id / "summary.json").read_text())["cost_usd"]
        assert first > 0 and turn2["cost_usd"] > 0
        whole = round(first + turn2["cost_usd"], 6)

        runs = (await client.call_tool("fiedler_runs", {})).structured_content or {}
        row = next(r for r in runs["runs"] if r["run_id"] == run_id)
        assert row["cost_usd"] == first and row["total_cost_usd"] == pytest.approx(whole)
        assert row["turns"] == 2
        one = await client.call_tool("fiedler_run", {"run_id": run_id})
        assert not one.is_error, one.content
        saved: dict[str, Any] = one.structured_content or {}
        assert saved["cost_usd"] == first and saved["total_cost_usd"] == pytest.approx(whole)
        assert saved["turns"] == 2
        tool = {t.name: t for t in (await client.list_tools()).tools}["fiedler_run"]
        assert tool.output_schema is not None
        assert "total_cost_usd" in tool.output_schema["properties"]
