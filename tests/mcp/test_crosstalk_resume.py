"""fiedler_crosstalk's resume over stdio with the SDK's client: a deliberation cancelled in its
second round is continued from its last complete round (the first is not sent again) and
finishes with every round; the refusals (unknown id, a run that cannot be resumed, choices,
reasoning controls or a prompt that differ, files without roots) are structured errors and send
nothing. One test, so the deliberation is cancelled once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client

from fiedler_tui.core.simulator.models_yaml import SimulatedModel
from fiedler_tui.core.simulator.script import ModelScript
from tests.mcp.conftest import McpWorld, simple_mcp_world


def _reply(name: str) -> str:
    return f"{name} thinks main() is fine.\nVERDICT: agree CONFIDENCE: 70"


MODELS = [
    SimulatedModel(
        name="alpha",
        script=ModelScript(reply=_reply("alpha")),
        reasoning={"reasoning_efforts": ["low", "high"]},
    ),
    SimulatedModel(
        name="patient",
        kind="anthropic",
        script=ModelScript(reply=_reply("patient"), ttft_s=1.5),  # each round lasts 1.5 s
    ),
]
ASK = {"prompt": "Is main() right?", "files": ["app.py"]}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[McpWorld]:
    root = tmp_path_factory.mktemp("resume")
    with simple_mcp_world(root, MODELS) as world:
        yield world


async def _cancel_in_round_two(client: Client, earlier: str) -> str:
    """Start a two-round debate, cancel the call once round 2 runs; the cancelled run's id
    (``earlier``, a run started within the same second, may be listed before it)."""
    second = anyio.Event()

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        if message and message.startswith("round 2/2"):
            second.set()

    async with anyio.create_task_group() as group:

        async def call() -> None:
            await client.call_tool(
                "fiedler_crosstalk",
                {**ASK, "models": ["alpha", "patient"], "rounds": 2},
                progress_callback=on_progress,
            )

        group.start_soon(call)
        with anyio.fail_after(30):
            await second.wait()
        group.cancel_scope.cancel()  # the SDK sends notifications/cancelled
    with anyio.fail_after(30):
        while True:
            runs = (await client.call_tool("fiedler_runs", {})).structured_content or {}
            newest = next(r for r in runs["runs"] if r["run_id"] != earlier)
            if newest["status"] != "running":
                break
            await anyio.sleep(0.05)
    assert newest["status"] == "cancelled"
    return str(newest["run_id"])


def _error(called: Any) -> dict[str, Any]:
    assert called.is_error and called.structured_content is not None, called.content
    error: dict[str, Any] = called.structured_content["error"]
    return error


async def test_a_cancelled_deliberation_resumes_to_every_round_and_bad_resumes_are_refused(
    world: McpWorld,
) -> None:
    async with world.client() as client:
        tool = {t.name: t for t in (await client.list_tools()).tools}["fiedler_crosstalk"]
        assert "resume" in tool.input_schema["properties"]
        send = await client.call_tool("fiedler_send", {"prompt": "hello", "models": ["alpha"]})
        send_id = (send.structured_content or {})["run_id"]
        run_id = await _cancel_in_round_two(client, send_id)
        folder = world.output_dir / run_id
        cancelled = json.loads((folder / "summary.json").read_text())
        assert [t["status"] for t in cancelled["rounds"][0]["turns"]] == ["finished", "finished"]

        # What cannot go on is refused, with nothing sent.
        before = len(world.sim.requests)
        unknown = _error(await client.call_tool("fiedler_crosstalk", {**ASK, "resume": "nope"}))
        assert unknown["code"] == "unknown-run" and "nope" in unknown["message"]
        a_send = _error(await client.call_tool("fiedler_crosstalk", {**ASK, "resume": send_id}))
        assert a_send["code"] == "not-resumable" and "not a deliberation" in a_send["message"]
        other = _error(
            await client.call_tool("fiedler_crosstalk", {**ASK, "resume": run_id, "rounds": 3})
        )
        assert other["code"] == "bad-argument" and "rounds differ" in other["message"]
        changed = _error(
            await client.call_tool(
                "fiedler_crosstalk", {**ASK, "prompt": "Something else?", "resume": run_id}
            )
        )
        assert changed["code"] == "bad-argument" and "prompt differs" in changed["message"]
        reasoning = _error(
            await client.call_tool(
                "fiedler_crosstalk", {**ASK, "resume": run_id, "reasoning_effort": "high"}
            )
        )
        assert reasoning["code"] == "bad-argument"
        differs = f"reasoning effort or thinking budget differs from run {run_id}'s"
        assert differs in reasoning["message"]
        assert len(world.sim.requests) == before

        resumed = await client.call_tool("fiedler_crosstalk", {**ASK, "resume": run_id})
        assert not resumed.is_error, resumed.content
        result: dict[str, Any] = resumed.structured_content or {}
        assert result["status"] == "complete" and result["run_id"] != run_id
        assert [(r["round"], r["phase"]) for r in result["rounds"]] == [
            (1, "answer"),
            (2, "answer"),
        ]
        assert all(t["status"] == "finished" for r in result["rounds"] for t in r["turns"])
        assert len(world.sim.requests) - before == 2  # round 2 only: round 1 was replayed
        summary = json.loads((Path(result["run_path"]) / "summary.json").read_text())
        assert summary["resumed_from"] == run_id and summary["members"][1]["alias"] == "patient"
    async with world.client(roots=False) as client:
        unrooted = _error(await client.call_tool("fiedler_crosstalk", {**ASK, "resume": run_id}))
        assert unrooted["code"] == "roots-unset"
    assert len(world.sim.requests) - before == 2
