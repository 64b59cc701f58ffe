"""``fiedler mcp`` over stdio, driven by the SDK's client: every tool against the simulator."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from mcp import Client
from mcp.types import TextResourceContents

from tests.mcp.conftest import FIEDLER, LONG_REPLY, McpWorld

TOOLS = {
    "fiedler_dry_run",
    "fiedler_send",
    "fiedler_crosstalk",
    "fiedler_list_models",
    "fiedler_get_config",
    "fiedler_list_keys",
    "fiedler_runs",
    "fiedler_run",
    "fiedler_set_models",
    "fiedler_set_output",
}


async def test_every_tool_over_stdio(mcp_world: McpWorld) -> None:
    progress: list[tuple[float, str | None]] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append((value, message))

    async with mcp_world.client() as client:
        listed = {tool.name: tool for tool in (await client.list_tools()).tools}
        assert set(listed) == TOOLS
        send_tool = listed["fiedler_send"]
        schema = send_tool.input_schema
        assert schema["required"] == ["prompt"]
        assert "FIEDLER_ALLOWED_FILE_ROOTS" in json.dumps(schema["properties"]["files"])
        assert "FIEDLER_MCP_ALLOW_SECRETS" in json.dumps(schema["properties"]["secrets"])
        assert "ctx" not in schema["properties"]
        assert send_tool.output_schema is not None
        assert "models" in send_tool.output_schema["properties"]

        models = await client.call_tool("fiedler_list_models", {})
        assert not models.is_error
        rows = {m["name"]: m for m in models.structured_content["models"]}
        assert rows["quick"]["default"] and not rows["wordy"]["default"]
        assert rows["quick"]["max_completion_tokens"] == 4096
        assert rows["broken"]["max_retries"] == 0 and rows["quick"]["read_timeout_s"] == 30
        assert json.loads(models.content[0].text) == models.structured_content

        config = (await client.call_tool("fiedler_get_config", {})).structured_content
        assert config["allowed_file_roots"] == [str(mcp_world.project)]
        assert config["default_models"] == ["quick", "careful"]
        assert config["inline_chars"] == 20_000 and config["secrets_allow_permitted"] is False

        keys = (await client.call_tool("fiedler_list_keys", {})).structured_content
        assert {p["provider"]: p["source"] for p in keys["providers"]}["sim-openai"] == "not needed"

        dry = await client.call_tool(
            "fiedler_dry_run", {"prompt": "review", "files": ["app.py", "notes.md"]}
        )
        assert not dry.is_error
        assert dry.structured_content["package"]["files"] == 2
        assert dry.structured_content["sendable"] is True
        assert [m["alias"] for m in dry.structured_content["models"]] == ["quick", "careful"]
        assert mcp_world.sim.requests == []  # a dry run sends nothing

        sent = await client.call_tool(
            "fiedler_send",
            {"prompt": "review this", "files": ["app.py"], "models": ["q", "wordy", "limited"]},
            progress_callback=on_progress,
        )
        assert not sent.is_error, sent.content
        result: dict[str, Any] = sent.structured_content
        assert result["status"] == "done"
        by_model = {m["model"]: m for m in result["models"]}
        quick = by_model["quick"]
        assert quick["text"] == "Quick answer. " * 5 and not quick["truncated"]
        assert quick["estimated_input_tokens"] > 0 and quick["input_tokens"] > 0
        assert quick["ttft_s"] is not None and quick["total_s"] >= quick["ttft_s"]
        assert Path(quick["output_file"]).read_text() == quick["text"]  # noqa: ASYNC240
        assert by_model["limited"]["retries"] == 1 and by_model["limited"]["status"] == "done"
        wordy = by_model["wordy"]
        assert wordy["truncated"] and wordy["text_chars"] == len(LONG_REPLY)
        assert wordy["text"] == LONG_REPLY[:20_000]
        assert wordy["resource"] == f"fiedler://runs/{result['run_id']}/wordy"
        assert wordy["note"] == (
            f"the answer has {len(LONG_REPLY):,} characters; the first 20,000 are here, "
            f"read {wordy['resource']} for the whole text"
        )
        assert "Quick answer." in sent.content[0].text  # the same result as text
        assert progress, "no progress notification arrived"
        assert [value for value, _ in progress] == sorted({value for value, _ in progress})
        messages = " | ".join(message or "" for _, message in progress)
        assert "limited: retrying" in messages and "3/3 ended" in messages

        whole = await client.read_resource(wordy["resource"])
        content = whole.contents[0]
        assert isinstance(content, TextResourceContents) and content.text == LONG_REPLY

        runs = (await client.call_tool("fiedler_runs", {})).structured_content
        assert runs["runs"][0]["run_id"] == result["run_id"]
        one = await client.call_tool("fiedler_run", {"run_id": result["run_id"]})
        assert not one.is_error
        saved = {m["model"]: m for m in one.structured_content["models"]}
        assert saved["quick"]["text"] == quick["text"]
        assert saved["wordy"]["truncated"] and saved["wordy"]["resource"] == wordy["resource"]

        prompt_only = await client.call_tool("fiedler_send", {"prompt": "just a question"})
        assert not prompt_only.is_error, prompt_only.content
        assert prompt_only.structured_content["status"] == "done"

        failing = await client.call_tool(
            "fiedler_send", {"prompt": "review", "files": ["app.py"], "models": ["broken"]}
        )
        assert not failing.is_error  # the call worked; the model failed
        broken = failing.structured_content["models"][0]
        assert failing.structured_content["status"] == "failed"
        assert broken["status"] == "failed"
        assert broken["error"]["provider"] == "sim-gemini" and broken["error"]["code"]
        assert broken["text"].startswith("partial")  # what arrived is kept


async def _refusal(client: Any, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    result = await client.call_tool(tool, arguments)
    assert result.is_error, result.content
    error: dict[str, Any] = result.structured_content["error"]
    assert error["message"] in result.content[0].text
    return error


async def test_refusals_are_structured_and_send_nothing(mcp_world: McpWorld) -> None:
    before = len(mcp_world.sim.requests)
    async with mcp_world.client() as client:
        send = "fiedler_send"
        outside = await _refusal(client, send, {"prompt": "x", "files": [str(mcp_world.outside)]})
        assert (
            outside["code"] == "path-refused"
            and "outside the allowed roots" in outside["reasons"][0]
        )
        dotdot = await _refusal(client, send, {"prompt": "x", "files": ["../outside/private.txt"]})
        assert dotdot["code"] == "path-refused"
        link = await _refusal(client, send, {"prompt": "x", "files": ["link-out.txt"]})
        assert "link-out.txt" in link["reasons"][0]
        fifo = await _refusal(client, send, {"prompt": "x", "files": ["pipe"]})
        assert fifo["code"] == "blocked" and "pipe" in fifo["reasons"][0]
        secret = await _refusal(client, send, {"prompt": "x", "files": ["settings.env"]})
        assert secret["code"] == "blocked" and "secret" in " ".join(secret["reasons"])
        allow = await _refusal(
            client, send, {"prompt": "x", "files": ["settings.env"], "secrets": "allow"}
        )
        assert allow["code"] == "secrets-not-allowed"
        assert "FIEDLER_MCP_ALLOW_SECRETS=1" in allow["message"]
        cost = await _refusal(
            client, send, {"prompt": "x", "files": ["app.py"], "max_cost_usd": 0.000001}
        )
        assert cost["code"] == "blocked" and "max_cost_usd=1e-06" in " ".join(cost["reasons"])
        unknown = await _refusal(client, send, {"prompt": "x", "models": ["nowhere"]})
        assert unknown["code"] == "unknown-model"
        empty = await _refusal(client, send, {"prompt": "  "})
        assert "prompt is empty" in " ".join(empty["reasons"])
        over = await _refusal(
            client, send, {"prompt": "x", "models": ["quick"], "max_completion_tokens": 200_000}
        )
        assert "over budget" in " ".join(over["reasons"])
        run = await _refusal(client, "fiedler_run", {"run_id": "../../etc"})
        assert run["code"] == "unknown-run"

        masked = await client.call_tool(
            "fiedler_dry_run", {"prompt": "x", "files": ["settings.env"], "secrets": "mask"}
        )
        assert not masked.is_error and masked.structured_content["sendable"] is True
    assert len(mcp_world.sim.requests) == before  # nothing reached a provider


async def test_unset_roots_refuse_every_file_but_not_a_prompt(mcp_world: McpWorld) -> None:
    before = len(mcp_world.sim.requests)
    async with mcp_world.client(roots=False) as client:
        for tool in ("fiedler_dry_run", "fiedler_send"):
            error = await _refusal(client, tool, {"prompt": "x", "files": ["app.py"]})
            assert error["code"] == "roots-unset"
            assert "FIEDLER_ALLOWED_FILE_ROOTS" in error["message"]
            assert "claude mcp add" in error["message"]
        config = (await client.call_tool("fiedler_get_config", {})).structured_content
        assert config["files_readable"] is False and config["allowed_file_roots"] == []
        assert len(mcp_world.sim.requests) == before
        answer = await client.call_tool("fiedler_send", {"prompt": "hello", "models": ["quick"]})
        assert not answer.is_error and answer.structured_content["status"] == "done"


async def test_a_broken_models_yaml_is_reported_by_each_call(
    mcp_world: McpWorld, tmp_path: Path
) -> None:
    broken = tmp_path / "models.yaml"
    broken.write_text("version: 1\nproviders: {}\nmodels:\n  x:\n    provider: nowhere\n")
    async with mcp_world.client(FIEDLER_CONFIG=str(broken)) as client:
        for tool in ("fiedler_list_models", "fiedler_send"):
            arguments = {"prompt": "x"} if tool == "fiedler_send" else {}
            error = await _refusal(client, tool, arguments)
            assert error["code"] == "config"
            assert any("models.yaml:" in reason for reason in error["reasons"]), error


def _cli(world: McpWorld, env: dict[str, str], *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [*FIEDLER, *args, "--json"],
        env=env,
        cwd=world.project,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode in (0, 3), done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return data


async def test_saved_defaults_are_shared_with_the_command_line(
    mcp_world: McpWorld, tmp_path: Path
) -> None:
    home = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data")}
    env = mcp_world.env(**home)
    del env["FIEDLER_OUTPUT_DIR"]  # the saved folder applies only where the variable is unset
    params = mcp_world.stdio()
    params.env = env
    runs_here = tmp_path / "saved-runs"
    async with Client(params, read_timeout_seconds=60) as client:
        unknown = await _refusal(client, "fiedler_set_models", {"models": ["nowhere"]})
        assert unknown["code"] == "unknown-model"
        chosen = await client.call_tool("fiedler_set_models", {"models": ["wordy", "q"]})
        assert not chosen.is_error
        assert chosen.structured_content["default_models"] == ["quick", "wordy"]
        config = (await client.call_tool("fiedler_get_config", {})).structured_content
        assert config["default_models"] == ["quick", "wordy"]
        assert config["saved_defaults"]["models"] == ["wordy", "quick"]

        output = await client.call_tool("fiedler_set_output", {"output_dir": str(runs_here)})
        assert not output.is_error, output.content
        assert output.structured_content["output_dir"] == str(runs_here)
        sent = await client.call_tool("fiedler_send", {"prompt": "hello"})
        assert not sent.is_error
        result = sent.structured_content
        assert [m["model"] for m in result["models"]] == ["quick", "wordy"]
        assert Path(result["run_path"]).parent == runs_here

        # the command line, in another process, uses the same defaults
        models = {m["alias"]: m["default"] for m in _cli(mcp_world, env, "models")["models"]}
        assert models["wordy"] and models["quick"] and not models["careful"]
        dry = _cli(mcp_world, env, "dry-run", "app.py", "-p", "x")
        assert [m["alias"] for m in dry["models"]] == ["quick", "wordy"]
        assert [r["id"] for r in _cli(mcp_world, env, "runs")["runs"]] == [result["run_id"]]

        cleared = await client.call_tool("fiedler_set_models", {"models": []})
        assert cleared.structured_content["default_models"] == ["quick", "careful"]
        config = (await client.call_tool("fiedler_get_config", {})).structured_content
        assert config["default_models"] == ["quick", "careful"]
        models = {m["alias"]: m["default"] for m in _cli(mcp_world, env, "models")["models"]}
        assert models["careful"] and not models["wordy"]


async def test_the_server_settings_allow_secrets_and_cap_the_spend(
    mcp_world: McpWorld, tmp_path: Path
) -> None:
    before = len(mcp_world.sim.requests)
    not_a_folder = tmp_path / "runs-file"
    not_a_folder.write_text("")
    extra = {
        "FIEDLER_MCP_ALLOW_SECRETS": "1",
        "FIEDLER_MAX_COST_USD": "0.000001",
        "FIEDLER_OUTPUT_DIR": str(not_a_folder),
    }
    async with mcp_world.client(**extra) as client:
        unsaved = await _refusal(client, "fiedler_send", {"prompt": "x", "models": ["quick"]})
        assert unsaved["code"] == "blocked" and "runs-file" in unsaved["message"]
        arguments = {"prompt": "x", "files": ["settings.env"], "secrets": "allow"}
        dry = await client.call_tool("fiedler_dry_run", arguments)
        assert not dry.is_error
        kinds = {b["kind"] for b in dry.structured_content["blocker_details"]}
        assert "secrets" not in kinds and dry.structured_content["secrets"]["count"] == 1
        capped = await _refusal(client, "fiedler_send", arguments)
        assert capped["code"] == "blocked"
        assert "FIEDLER_MAX_COST_USD" in " ".join(capped["reasons"])
    assert len(mcp_world.sim.requests) == before
