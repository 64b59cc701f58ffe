"""fiedler_set_key and fiedler_delete_key: absent by default, present with FIEDLER_MCP_KEY_TOOLS=1,
backed by a secure keyring only, and never showing or logging the key."""

from __future__ import annotations

import json
from pathlib import Path

from mcp import Client

from tests.mcp.conftest import McpWorld

KEY = "sk-hosted-" + "Zq7Xw3Vb9Nm1" * 3
KEY_TOOLS = {"fiedler_set_key", "fiedler_delete_key"}
YAML = """version: 1
providers:
  hosted:
    kind: openai-compatible
    base_url: "http://127.0.0.1:9/v1"
    key_env: [HOSTED_TEST_KEY]
  local: {kind: openai-compatible, base_url: "http://127.0.0.1:9/v1", requires_key: false}
models:
  remote: {provider: hosted, context_window: 8000, max_completion_tokens: 1000, default: true}
  near: {provider: local, context_window: 8000, max_completion_tokens: 1000}
"""


def _client(world: McpWorld, tmp_path: Path, **extra: str) -> Client:
    config = tmp_path / "models.yaml"
    config.write_text(YAML)
    params = world.stdio(FIEDLER_CONFIG=str(config), **extra)
    params.env = {k: v for k, v in (params.env or {}).items() if k != "HOSTED_TEST_KEY"}
    return Client(params, read_timeout_seconds=60)


def _file_keyring(tmp_path: Path) -> dict[str, str]:
    return {
        "PYTHON_KEYRING_BACKEND": "tests.mcp.file_keyring.FileKeyring",
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        "TEST_KEYRING_FILE": str(tmp_path / "keyring.json"),
    }


async def _sources(client: Client) -> dict[str, str]:
    keys = (await client.call_tool("fiedler_list_keys", {})).structured_content
    assert keys is not None
    return {p["provider"]: p["source"] for p in keys["providers"]}


async def test_key_tools_are_absent_without_the_variable(
    mcp_world: McpWorld, tmp_path: Path
) -> None:
    async with _client(mcp_world, tmp_path, **_file_keyring(tmp_path)) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        assert "fiedler_list_keys" in names
        assert not names & KEY_TOOLS
        called = await client.call_tool("fiedler_set_key", {"provider": "hosted", "key": KEY})
        assert called.is_error
    assert not (tmp_path / "keyring.json").exists()


async def test_set_and_delete_a_key_in_a_secure_keyring_without_echoing_it(
    mcp_world: McpWorld, tmp_path: Path
) -> None:
    log_file = tmp_path / "fiedler.log"
    env = {**_file_keyring(tmp_path), "FIEDLER_MCP_KEY_TOOLS": "1"}
    async with _client(
        mcp_world, tmp_path, FIEDLER_LOG_FILE=str(log_file), FIEDLER_LOG_LEVEL="DEBUG", **env
    ) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        assert set(tools) >= KEY_TOOLS
        assert "fiedler keys set" in (tools["fiedler_set_key"].description or "")
        assert await _sources(client) == {"hosted": "missing", "local": "not needed"}

        stored = await client.call_tool("fiedler_set_key", {"provider": "hosted", "key": KEY})
        assert not stored.is_error
        assert stored.structured_content is not None
        assert stored.structured_content["stored"] is True
        assert stored.structured_content["source"] == "keyring"
        assert KEY not in json.dumps(stored.structured_content)
        assert KEY not in stored.content[0].text
        saved = json.loads((tmp_path / "keyring.json").read_text())
        assert saved == {"fiedler/hosted": KEY}
        assert (await _sources(client))["hosted"] == "keyring"
        listed = await client.call_tool("fiedler_list_keys", {})
        assert KEY not in listed.content[0].text

        unknown = await client.call_tool("fiedler_set_key", {"provider": "remote", "key": KEY})
        assert unknown.is_error and unknown.structured_content is not None
        assert unknown.structured_content["error"]["code"] == "unknown-provider"
        assert "hosted" in json.dumps(unknown.structured_content)
        assert KEY not in json.dumps(unknown.structured_content)
        not_needed = await client.call_tool("fiedler_set_key", {"provider": "local", "key": KEY})
        assert not_needed.structured_content is not None
        assert not_needed.structured_content["error"]["code"] == "key-not-needed"

        deleted = await client.call_tool("fiedler_delete_key", {"provider": "hosted"})
        assert deleted.structured_content is not None
        assert deleted.structured_content["deleted"] is True
        assert deleted.structured_content["source"] == "missing"
        again = await client.call_tool("fiedler_delete_key", {"provider": "hosted"})
        assert again.structured_content is not None
        assert again.structured_content["deleted"] is False
        assert (await _sources(client))["hosted"] == "missing"
    assert json.loads((tmp_path / "keyring.json").read_text()) == {}
    log = log_file.read_text()
    assert "key of hosted stored in the keyring" in log  # the calls were logged...
    assert "key of hosted deleted from the keyring" in log
    assert KEY not in log  # ...never the key


async def test_key_tools_refuse_without_a_secure_keyring(
    mcp_world: McpWorld, tmp_path: Path
) -> None:
    # The world's default backend is keyring's null backend: disabled, nothing stored.
    async with _client(mcp_world, tmp_path, FIEDLER_MCP_KEY_TOOLS="1") as client:
        for name, args in (
            ("fiedler_set_key", {"provider": "hosted", "key": KEY}),
            ("fiedler_delete_key", {"provider": "hosted"}),
        ):
            refused = await client.call_tool(name, args)
            assert refused.is_error and refused.structured_content is not None
            error = refused.structured_content["error"]
            assert error["code"] == "no-secure-keyring"
            assert "secure keyring" in error["message"] and "disabled" in error["message"]
            assert "fiedler keys set" in json.dumps(error["reasons"])
            assert KEY not in refused.content[0].text
        assert (await _sources(client))["hosted"] == "missing"
