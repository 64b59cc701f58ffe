"""Arguments a tool does not take, or that its input schema rules out: a structured
``bad-argument`` refusal over stdio, with nothing sent or saved; and saved defaults, set or
cleared, that later reads agree with."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mcp import Client
from mcp.client.stdio import StdioServerParameters

from tests.mcp.conftest import FIEDLER, McpWorld


async def _bad_argument(client: Client, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    result = await client.call_tool(tool, arguments)
    assert result.is_error, result.content
    assert result.structured_content is not None, result.content
    error: dict[str, Any] = result.structured_content["error"]
    assert error["code"] == "bad-argument", error
    assert error["message"] in result.content[0].text
    return error


async def test_unknown_arguments_are_refused_and_change_nothing(
    mcp_world: McpWorld, tmp_path: Path
) -> None:
    before = len(mcp_world.sim.requests)
    params = mcp_world.stdio()
    params.env = mcp_world.env(XDG_CONFIG_HOME=str(tmp_path / "config"))
    saved = tmp_path / "saved-runs"
    async with Client(params, read_timeout_seconds=60) as client:
        for tool in (await client.list_tools()).tools:
            assert tool.input_schema.get("additionalProperties") is False, tool.name
        set_output = await client.call_tool("fiedler_set_output", {"output_dir": str(saved)})
        assert not set_output.is_error, set_output.content

        folder = await _bad_argument(client, "fiedler_set_output", {"folder": "/x"})
        assert "'folder'" in folder["message"] and "output_dir" in folder["message"]
        config = (await client.call_tool("fiedler_get_config", {})).structured_content
        assert config["saved_defaults"]["output_dir"] == str(saved)  # not cleared

        filez = await _bad_argument(client, "fiedler_dry_run", {"prompt": "x", "filez": ["app.py"]})
        assert "'filez'" in filez["message"] and "prompt, files, models" in filez["message"]
        assert filez["reasons"] == ["'filez': unknown argument; did you mean 'files'?"]
        model = await _bad_argument(
            client, "fiedler_send", {"prompt": "x", "model": ["quick"], "colour": "red"}
        )
        assert model["reasons"] == [
            "'model': unknown argument; did you mean 'models'?",
            "'colour': unknown argument",
        ]
        none = await _bad_argument(client, "fiedler_list_models", {"verbose": True})
        assert "takes: no arguments" in none["message"]
    assert len(mcp_world.sim.requests) == before  # nothing reached a provider


async def test_schema_violations_are_refused_one_reason_per_argument(
    mcp_world: McpWorld,
) -> None:
    before = len(mcp_world.sim.requests)
    async with mcp_world.client(FIEDLER_MCP_KEY_TOOLS="1") as client:
        key = await _bad_argument(client, "fiedler_set_key", {"provider": "sim", "key": 9876543})
        assert key["reasons"] == [
            "key: must be a string at least 1 character(s) long, not a number"
        ]
        assert "9876543" not in key["message"]
        send = await _bad_argument(
            client,
            "fiedler_send",
            {"prompt": 5, "models": ["quick"], "reasoning_effort": "extreme"},
        )
        assert send["message"] == "fiedler_send: invalid arguments: prompt, reasoning_effort"
        assert send["reasons"] == [
            "prompt: must be a string, not a number",
            'reasoning_effort: must be one of "minimal", "low", "medium", "high" (or left out), '
            'not "extreme"',
        ]
        limit = await _bad_argument(client, "fiedler_runs", {"limit": -1})
        assert limit["reasons"] == ["limit: must be an integer above 0 and at most 1000, not -1"]
        files = await _bad_argument(client, "fiedler_dry_run", {"prompt": "x", "files": ["a", 3]})
        assert files["reasons"] == [
            "files: must be a list of strings (or left out) (1: input should be a valid string)"
        ]
        runs = await _bad_argument(client, "fiedler_runs", {"limit": "sk-1234"})
        assert runs["reasons"] == [
            "limit: must be an integer above 0 and at most 1000, not a string of 7 characters"
        ]
        missing = await _bad_argument(client, "fiedler_run", {})
        assert missing["reasons"] == ["run_id: required: a string"]
        both = await _bad_argument(
            client, "fiedler_dry_run", {"prompt": "x", "max_cost_usd": 0, "egres": "reduce"}
        )
        assert both["reasons"] == [
            "'egres': unknown argument; did you mean 'egress'?",
            "max_cost_usd: must be a number above 0 (or left out), not 0",
        ]
    assert len(mcp_world.sim.requests) == before  # nothing reached a provider


async def test_cleared_defaults_agree_with_later_reads_in_the_demo(
    mcp_world: McpWorld, tmp_path: Path
) -> None:
    env = mcp_world.env(XDG_CONFIG_HOME=str(tmp_path / "config"))
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    del env["FIEDLER_CONFIG"], env["FIEDLER_OUTPUT_DIR"]
    params = StdioServerParameters(
        command=FIEDLER[0], args=[*FIEDLER[1:], "--demo", "mcp"], env=env, cwd=str(tmp_path)
    )
    async with Client(params, read_timeout_seconds=60) as client:

        async def config() -> dict[str, Any]:
            read = await client.call_tool("fiedler_get_config", {})
            assert not read.is_error, read.content
            data: dict[str, Any] = read.structured_content
            return data

        first = await config()
        demo_defaults = first["default_models"]
        assert len(demo_defaults) > 1
        chosen = await client.call_tool("fiedler_set_models", {"models": ["demo-local"]})
        assert chosen.structured_content["default_models"] == ["demo-local"]
        assert "not written to defaults.json" in chosen.structured_content["saved_in"]
        assert (await config())["default_models"] == ["demo-local"]
        assert (await config())["saved_defaults"]["models"] == ["demo-local"]
        cleared = await client.call_tool("fiedler_set_models", {"models": []})
        assert cleared.structured_content["default_models"] == demo_defaults
        assert (await config())["default_models"] == demo_defaults

        saved = tmp_path / "saved-runs"
        output = await client.call_tool("fiedler_set_output", {"output_dir": str(saved)})
        assert output.structured_content["output_dir"] == str(saved)
        assert (await config())["output_dir"] == str(saved)
        emptied = await client.call_tool("fiedler_set_output", {"output_dir": ""})
        assert emptied.structured_content["output_dir"] == first["output_dir"] != str(saved)
        after = await config()
        assert after["output_dir"] == first["output_dir"]
        assert after["saved_defaults"]["output_dir"] is None
    # the demo's names never replace the user's saved defaults
    assert not list((tmp_path / "config").rglob("defaults.json"))
