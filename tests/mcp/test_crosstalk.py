"""fiedler_crosstalk over stdio with the SDK's client: a deliberation against the simulator, its
progress per round and member, its refusals (nothing sent), a cancelled call, a client that goes
away, and a long result read through its resource."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import anyio
import pytest
from mcp.types import TextResourceContents

from fiedler_tui.core.simulator.models_yaml import SimulatedModel
from fiedler_tui.core.simulator.script import ModelScript
from tests.mcp.conftest import McpWorld, simple_mcp_world
from tests.mcp.raw_stdio import RawServer
from tests.mcp.test_cancel import _known, _wait_for_end


def _reply(name: str, confidence: int) -> str:
    return f"{name} thinks main() is fine.\nVERDICT: agree CONFIDENCE: {confidence}"


REPORT = "".join(f"report line {i:05d}\n" for i in range(1_500))  # 27,000 characters
MODELS = [
    SimulatedModel(name="alpha", script=ModelScript(reply=_reply("alpha", 80)), price_in=3.0),
    SimulatedModel(
        name="beta",
        kind="anthropic",
        script=ModelScript(reply=_reply("beta", 65), ttft_s=0.4),  # progress sees each round
        price_in=3.0,
        price_out=15.0,
    ),
    SimulatedModel(
        name="chairman", kind="openai", provider="sim-chair", script=ModelScript(reply=REPORT)
    ),
    SimulatedModel(
        name="slowpoke", kind="gemini", script=ModelScript(reply="slow " * 400, tokens_per_s=20)
    ),
]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[McpWorld]:
    root = tmp_path_factory.mktemp("crosstalk")
    with simple_mcp_world(root, MODELS) as world:
        yield world


async def test_a_debate_returns_every_round_with_verdicts_and_reports_progress(
    world: McpWorld,
) -> None:
    messages: list[str] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        messages.append(message or "")

    async with world.client() as client:
        tool = {t.name: t for t in (await client.list_tools()).tools}["fiedler_crosstalk"]
        assert tool.output_schema is not None and "rounds" in tool.output_schema["properties"]
        assert {"paradigm", "rounds", "chair", "personas", "max_cost_usd", "secrets"} <= set(
            tool.input_schema["properties"]
        )
        called = await client.call_tool(
            "fiedler_crosstalk",
            {
                "prompt": "Is main() right?",
                "files": ["app.py"],
                "models": ["alpha", "beta"],
                "rounds": 2,
            },
            progress_callback=on_progress,
        )
        assert not called.is_error, called.content
        result: dict[str, Any] = called.structured_content or {}
        assert result["status"] == "complete" and result["paradigm"] == "debate"
        assert [(r["round"], r["phase"]) for r in result["rounds"]] == [
            (1, "answer"),
            (2, "answer"),
        ]
        second = {t["member"]: t for t in result["rounds"][1]["turns"]}
        assert second["alpha"]["verdict"] == "agree" and second["alpha"]["confidence"] == 80
        assert second["beta"]["confidence"] == 65 and second["beta"]["status"] == "finished"
        assert second["beta"]["cost_usd"] > 0 and second["beta"]["output_tokens"] > 0
        assert result["consensus"] is True and result["cost_usd"] > 0
        assert result["run_path"] == str(world.output_dir / result["run_id"])
        assert "round 2 (answer)" in called.content[0].text
        assert "verdict agree (confidence 80)" in called.content[0].text
        assert any(m.startswith("round 1/2 (answer)") for m in messages)
        assert any(m.startswith("round 2/2 (answer)") and "alpha: done" in m for m in messages)

        runs = (await client.call_tool("fiedler_runs", {})).structured_content or {}
        assert runs["runs"][0]["run_id"] == result["run_id"]
        saved = await client.call_tool("fiedler_run", {"run_id": result["run_id"]})
        assert saved.structured_content is not None
        assert saved.structured_content["deliberation"] == result
        assert "verdict agree (confidence 65)" in saved.content[0].text


async def test_refusals_send_nothing(world: McpWorld) -> None:
    before = len(world.sim.requests)
    async with world.client() as client:
        capped = await client.call_tool(
            "fiedler_crosstalk",
            {"prompt": "Is main() right?", "models": ["alpha", "beta"], "max_cost_usd": 1e-9},
        )
        assert capped.is_error and capped.structured_content is not None
        error = capped.structured_content["error"]
        assert error["code"] == "blocked"
        assert "round" in json.dumps(error) and "cap" in json.dumps(error)

        alone = await client.call_tool(
            "fiedler_crosstalk", {"prompt": "Is main() right?", "models": ["alpha"]}
        )
        assert alone.is_error and alone.structured_content is not None
        assert alone.structured_content["error"]["code"] == "bad-argument"
    async with world.client(roots=False) as client:
        unrooted = await client.call_tool(
            "fiedler_crosstalk",
            {"prompt": "Is main() right?", "files": ["app.py"], "models": ["alpha", "beta"]},
        )
        assert unrooted.structured_content is not None
        assert unrooted.structured_content["error"]["code"] == "roots-unset"
        persona = await client.call_tool(
            "fiedler_crosstalk",
            {
                "prompt": "Is main() right?",
                "models": ["alpha", "beta"],
                "personas": {"alpha": "app.py"},
            },
        )
        assert persona.structured_content is not None
        assert persona.structured_content["error"]["code"] == "roots-unset"
    assert len(world.sim.requests) == before


async def test_a_cancelled_call_cancels_the_deliberation_and_keeps_what_arrived(
    world: McpWorld,
) -> None:
    streaming = anyio.Event()

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        if message and "slowpoke: streaming" in message:
            streaming.set()

    async with world.client() as client:
        async with anyio.create_task_group() as group:

            async def call() -> None:
                await client.call_tool(
                    "fiedler_crosstalk",
                    {"prompt": "take your time", "models": ["alpha", "slowpoke"], "rounds": 2},
                    progress_callback=on_progress,
                )

            group.start_soon(call)
            with anyio.fail_after(30):
                await streaming.wait()
            group.cancel_scope.cancel()  # the SDK sends notifications/cancelled
        with anyio.fail_after(30):
            while True:
                runs = (await client.call_tool("fiedler_runs", {})).structured_content or {}
                newest = runs["runs"][0]
                if newest["status"] not in {"running", "complete"}:
                    break
                await anyio.sleep(0.05)
        assert newest["status"] == "cancelled"
    folder = next(p for p in world.output_dir.iterdir() if newest["run_id"] in p.name)
    summary = json.loads((folder / "summary.json").read_text())
    turns = {t["member"]: t for t in summary["rounds"][0]["turns"]}
    assert turns["alpha"]["status"] == "finished"
    assert turns["slowpoke"]["status"] == "cancelled"
    kept = (folder / turns["slowpoke"]["output_file"]).read_text()
    assert kept.startswith("slow") and len(kept) < len("slow " * 400)
    assert len(summary["rounds"]) == 1  # round 2 never started


async def test_a_report_longer_than_the_inline_size_is_read_through_its_resource(
    world: McpWorld,
) -> None:
    async with world.client() as client:
        called = await client.call_tool(
            "fiedler_crosstalk",
            {
                "prompt": "Review main()",
                "models": ["alpha", "beta"],
                "paradigm": "report",
                "chair": "chairman",
                "personas": {"alpha": "security"},
            },
        )
        assert not called.is_error, called.content
        result: dict[str, Any] = called.structured_content or {}
        assert result["chair"] == "chairman" and result["result_kind"] == "report"
        assert [r["phase"] for r in result["rounds"]] == ["answer", "review", "report"]
        assert result["truncated"] and result["result_chars"] == len(REPORT)
        assert result["result"] == REPORT[:20_000]
        assert result["resource"] == f"fiedler://runs/{result['run_id']}/result"
        assert result["note"] == (
            f"the result has {len(REPORT):,} characters; the first 20,000 are here, "
            f"read {result['resource']} for the whole text"
        )
        read = await client.read_resource(result["resource"])
        whole = read.contents[0]
        assert isinstance(whole, TextResourceContents) and whole.text == REPORT


def test_a_client_that_goes_away_cancels_the_deliberation(world: McpWorld) -> None:
    known = _known(world.output_dir)
    server = RawServer(world.stdio())
    try:
        server.initialize("2025-06-18")
        arguments = {"prompt": "take your time", "models": ["alpha", "slowpoke"], "rounds": 2}
        server.call_then_leave("fiedler_crosstalk", arguments, "slowpoke: streaming")
    finally:
        server.close()
    summary = _wait_for_end(world.output_dir, known)
    assert summary["status"] == "cancelled" and summary["kind"] == "crosstalk"
    assert [t["status"] for t in summary["rounds"][0]["turns"]] == ["finished", "cancelled"]
