"""``fiedler_runs``, ``fiedler_run`` and the output resource on runs saved before the typed
summary (summary version 1), and on a summary that is malformed."""

from __future__ import annotations

import json
from pathlib import Path

from mcp.types import TextResourceContents

from tests.mcp.conftest import McpWorld
from tests.store import v1_runs


async def test_fiedler_run_reads_version_1_runs(mcp_world: McpWorld, tmp_path: Path) -> None:
    runs = v1_runs.copy_v1_runs(tmp_path / "runs")
    bad = runs / "20261201-100000-abcdef"
    bad.mkdir()
    (bad / "summary.json").write_text(json.dumps({"status": "done", "models": [1]}))
    async with mcp_world.client(FIEDLER_OUTPUT_DIR=str(runs)) as client:
        listed = (await client.call_tool("fiedler_runs", {})).structured_content
        rows = {row["run_id"]: row for row in listed["runs"]}
        assert rows[v1_runs.FAILED]["models"] == [
            {"model": "fast", "status": "done"},
            {"model": "broken", "status": "failed"},
        ]
        assert rows[bad.name]["status"] == "unreadable"
        assert rows[bad.name]["problem"] == (
            "malformed run summary: models[0]: expected an object, found a number"
        )

        failed = await client.call_tool("fiedler_run", {"run_id": v1_runs.FAILED})
        assert not failed.is_error, failed.content
        models = {m["model"]: m for m in failed.structured_content["models"]}
        assert failed.structured_content["status"] == "partial"
        assert models["fast"]["input_tokens"] == 92 and models["fast"]["ttft_s"] == 0.0126
        assert models["broken"]["error"] == {
            "code": "network",
            "message": "connection lost: [Errno 104] Connection reset by peer",
            "provider": "sim-gemini",
            "http_status": None,
            "retries": 0,
        }
        assert models["broken"]["text"] == "partial words " * 4
        assert models["broken"]["estimated_input_tokens"] == 112

        sent = (await client.call_tool("fiedler_run", {"run_id": v1_runs.SEND})).structured_content
        busy = next(m for m in sent["models"] if m["model"] == "demo-busy")
        assert busy["retries"] == 1 and busy["provider"] == "demo-openai"
        assert busy["text"] == (runs / v1_runs.SEND / "demo-busy.md").read_text("utf-8")

        talk = await client.call_tool("fiedler_run", {"run_id": v1_runs.DELIBERATION})
        deliberation = talk.structured_content["deliberation"]
        assert deliberation["paradigm"] == "report" and deliberation["chair"] == "demo-deliberate"
        assert [(r["round"], r["phase"], len(r["turns"])) for r in deliberation["rounds"]] == [
            (1, "answer", 2),
            (2, "review", 2),
            (2, "report", 1),
        ]
        assert deliberation["result"].startswith("Let me go through the files in order.")
        whole = await client.read_resource(f"fiedler://runs/{v1_runs.DELIBERATION}/result")
        content = whole.contents[0]
        assert isinstance(content, TextResourceContents)
        assert content.text == deliberation["result"]

        unreadable = await client.call_tool("fiedler_run", {"run_id": bad.name})
        assert not unreadable.is_error
        assert unreadable.structured_content["status"] == "unreadable"
        assert unreadable.structured_content["models"] == []
