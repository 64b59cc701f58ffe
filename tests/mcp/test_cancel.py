"""A cancelled call, or a client that goes away, cancels the run; what arrived is kept and the
run is saved as cancelled."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import anyio

from tests.mcp.conftest import McpWorld
from tests.mcp.raw_stdio import RawServer


def _newest_summary(output_dir: Path, known: set[str]) -> dict[str, Any] | None:
    runs = [p for p in output_dir.iterdir() if p.is_dir() and p.name not in known]
    if not runs:
        return None
    summary: dict[str, Any] = json.loads((max(runs) / "summary.json").read_text())
    return summary


def _wait_for_end(output_dir: Path, known: set[str]) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        summary = _newest_summary(output_dir, known)
        if summary is not None and summary["status"] != "running":
            return summary
        time.sleep(0.05)
    raise AssertionError("the run did not end")


def _known(output_dir: Path) -> set[str]:
    return {p.name for p in output_dir.iterdir()} if output_dir.is_dir() else set()


async def test_a_cancelled_call_cancels_the_run_and_keeps_the_partial_answer(
    mcp_world: McpWorld,
) -> None:
    known = _known(mcp_world.output_dir)
    streaming = anyio.Event()

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        if message and "crawler: streaming" in message:
            streaming.set()

    async with mcp_world.client() as client:
        async with anyio.create_task_group() as group:

            async def call() -> None:
                await client.call_tool(
                    "fiedler_send",
                    {"prompt": "take your time", "models": ["crawler"]},
                    progress_callback=on_progress,
                )

            group.start_soon(call)
            with anyio.fail_after(30):
                await streaming.wait()
            group.cancel_scope.cancel()  # the SDK sends notifications/cancelled
        with anyio.fail_after(30):
            while True:
                runs = (await client.call_tool("fiedler_runs", {})).structured_content["runs"]
                newest = runs[0] if runs and runs[0]["run_id"] not in known else None
                if newest is not None and newest["status"] != "running":
                    break
                await anyio.sleep(0.05)
        assert newest["status"] == "cancelled"
        run = (
            await client.call_tool("fiedler_run", {"run_id": newest["run_id"]})
        ).structured_content
        crawler = run["models"][0]
        assert crawler["status"] == "cancelled"
        assert crawler["text"].startswith("slow") and crawler["text_chars"] < len("slow " * 400)


def test_a_client_that_goes_away_cancels_the_run(mcp_world: McpWorld) -> None:
    known = _known(mcp_world.output_dir)
    server = RawServer(mcp_world.stdio())
    try:
        server.initialize("2025-06-18")
        server.call_then_leave(
            "fiedler_send",
            {"prompt": "take your time", "models": ["crawler"]},
            "crawler: streaming",
        )
    finally:
        server.close()
    summary = _wait_for_end(mcp_world.output_dir, known)
    assert summary["status"] == "cancelled"
    crawler = summary["models"][0]
    assert crawler["status"] == "cancelled"
    run_dir = max(p for p in mcp_world.output_dir.iterdir() if p.name not in known)
    assert (run_dir / crawler["output_file"]).read_text().startswith("slow")
