"""``fiedler mcp --http``: streamable HTTP on loopback, a bearer token on every request."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.types.version import LATEST_HANDSHAKE_VERSION, LATEST_MODERN_VERSION

from tests.mcp.conftest import FIEDLER, McpWorld

TOKEN = "test-token-0123456789abcdef"


@dataclass
class HttpServer:
    proc: subprocess.Popen[str]
    url: str
    banner: str


def _start(mcp_world: McpWorld, address: str, **env: str) -> HttpServer:
    proc = subprocess.Popen(
        [*FIEDLER, "mcp", "--http", address],
        env=mcp_world.env(**env),
        cwd=mcp_world.project,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    banner = ""
    for line in proc.stderr:
        banner += line
        found = re.search(r"serving MCP on (http://\S+/mcp)", line)
        if found:
            return HttpServer(proc, found.group(1), banner)
    proc.wait(10)
    raise AssertionError(f"no address announced: {banner}")


def _stop(server: HttpServer) -> None:
    server.proc.terminate()
    server.proc.communicate(timeout=10)


@pytest.fixture(scope="module")
def http_server(mcp_world: McpWorld) -> Iterator[HttpServer]:
    server = _start(mcp_world, "127.0.0.1:0", FIEDLER_MCP_TOKEN=TOKEN)
    yield server
    _stop(server)


def _client(url: str, token: str, mode: str = "auto") -> Client:
    http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=60)
    return Client(streamable_http_client(url, http_client=http), mode=mode)


@pytest.mark.parametrize(
    ("mode", "expected"), [("legacy", LATEST_HANDSHAKE_VERSION), ("auto", LATEST_MODERN_VERSION)]
)
async def test_the_tools_work_with_the_token(
    http_server: HttpServer, mode: str, expected: str
) -> None:
    assert http_server.url.startswith("http://127.0.0.1:")
    async with _client(http_server.url, TOKEN, mode) as client:
        assert client.protocol_version == expected
        models = await client.call_tool("fiedler_list_models", {})
        assert not models.is_error and models.structured_content["models"]
        sent = await client.call_tool(
            "fiedler_send", {"prompt": "review", "files": ["app.py"], "models": ["quick"]}
        )
        assert not sent.is_error and sent.structured_content["status"] == "done"


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}]
)
async def test_a_missing_or_wrong_token_gets_401(
    http_server: HttpServer, headers: dict[str, str]
) -> None:
    body = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "x", "version": "1"},
        },
    }
    async with httpx2.AsyncClient() as http:
        response = await http.post(
            http_server.url,
            json=body,
            headers={**headers, "Accept": "application/json, text/event-stream"},
        )
    assert response.status_code == 401
    assert TOKEN not in response.text


def test_a_token_is_generated_and_printed_when_none_is_set(mcp_world: McpWorld) -> None:
    server = _start(mcp_world, "0")
    try:
        found = re.search(
            r"bearer token \(set FIEDLER_MCP_TOKEN to choose it\): (\S+)", server.banner
        )
        assert found and len(found.group(1)) >= 32
        token = found.group(1)
        with httpx2.Client() as http:
            headers = {"Accept": "application/json, text/event-stream"}
            assert http.post(server.url, json={}, headers=headers).status_code == 401
            authorized = {**headers, "Authorization": f"Bearer {token}"}
            assert http.post(server.url, json={}, headers=authorized).status_code != 401
    finally:
        _stop(server)


def test_a_non_loopback_bind_without_a_token_is_refused(mcp_world: McpWorld) -> None:
    done = subprocess.run(
        [*FIEDLER, "mcp", "--http", "0.0.0.0:0"],
        env=mcp_world.env(),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert "not a loopback address, needs FIEDLER_MCP_TOKEN" in done.stderr
    assert "Traceback" not in done.stderr


async def test_a_client_that_drops_the_connection_cancels_the_run(
    http_server: HttpServer, mcp_world: McpWorld
) -> None:
    known = (
        {p.name for p in mcp_world.output_dir.iterdir()} if mcp_world.output_dir.is_dir() else set()
    )
    headers = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json, text/event-stream"}
    async with httpx2.AsyncClient(headers=headers, timeout=30) as http:
        init = await http.post(
            http_server.url,
            json={
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": {
                    "protocolVersion": "2025-06-18",
                    "capabilities": {},
                    "clientInfo": {"name": "x", "version": "1"},
                },
            },
        )
        session = {
            "mcp-session-id": init.headers["mcp-session-id"],
            "mcp-protocol-version": "2025-06-18",
        }
        await http.post(
            http_server.url,
            json={"jsonrpc": "2.0", "method": "notifications/initialized"},
            headers=session,
        )
        call = {
            "jsonrpc": "2.0",
            "id": 2,
            "method": "tools/call",
            "params": {
                "name": "fiedler_send",
                "arguments": {"prompt": "take your time", "models": ["crawler"]},
                "_meta": {"progressToken": "p"},
            },
        }
        async with http.stream("POST", http_server.url, json=call, headers=session) as response:
            async for line in response.aiter_lines():
                if "crawler: streaming" in line:
                    break  # leave without reading the answer: the connection is closed
    with anyio.fail_after(30):
        while True:
            runs = [p for p in mcp_world.output_dir.iterdir() if p.name not in known]
            summary = json.loads((runs[0] / "summary.json").read_text()) if runs else {}
            if summary.get("status") not in (None, "running"):
                break
            await anyio.sleep(0.05)
    assert summary["status"] == "cancelled"
    assert summary["models"][0]["status"] == "cancelled"
