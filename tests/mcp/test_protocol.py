"""Hosts connect with the old initialize handshake or the current protocol: both are served,
and stdout carries nothing but the protocol."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from mcp.types.version import LATEST_HANDSHAKE_VERSION, LATEST_MODERN_VERSION

from tests.mcp.conftest import McpWorld
from tests.mcp.raw_stdio import RawServer


@pytest.mark.parametrize("version", ["2024-11-05", "2025-03-26", "2025-06-18"])
def test_an_old_handshake_is_answered_in_its_version(mcp_world: McpWorld, version: str) -> None:
    server = RawServer(mcp_world.stdio())
    try:
        reply = server.initialize(version)
        assert reply["result"]["protocolVersion"] == version
        assert reply["result"]["serverInfo"]["name"] == "fiedler"
        server.send({"id": 2, "method": "tools/call", "params": {"name": "fiedler_get_config"}})
        config = server.until(lambda m: m.get("id") == 2)["result"]
        assert config["structuredContent"]["default_models"] == ["quick", "careful"]
    finally:
        server.close()


@pytest.mark.parametrize(
    ("mode", "expected"), [("legacy", LATEST_HANDSHAKE_VERSION), ("auto", LATEST_MODERN_VERSION)]
)
async def test_the_sdk_client_connects_in_both_eras(
    mcp_world: McpWorld, mode: str, expected: str
) -> None:
    async with mcp_world.client(mode=mode) as client:
        assert client.protocol_version == expected
        result = await client.call_tool("fiedler_send", {"prompt": "hi", "models": ["quick"]})
        assert not result.is_error, result.content
        assert result.structured_content["status"] == "done", result.structured_content


NOISY_SERVER = """
import logging, os, subprocess, sys
import fiedler_tui.core.mcp_tools.service as service
from fiedler_tui.cli import main

original = service.FiedlerTools._get_config
original_init = service.FiedlerTools.__init__

def noisy_init(self, *args, **kwargs):
    print("print while setting up")
    os.write(1, b"fd 1 while setting up\\n")
    original_init(self, *args, **kwargs)

service.FiedlerTools.__init__ = noisy_init

def noisy(self):
    print("print from a tool")
    sys.stdout.write("sys.stdout.write from a tool\\n")
    sys.__stdout__.write("sys.__stdout__ from a tool\\n")
    sys.__stdout__.flush()
    os.write(1, b"fd 1 from a tool\\n")
    subprocess.run([sys.executable, "-c", "print('child process output')"], check=True)
    logging.getLogger().warning("root logger from a tool")
    logging.getLogger("fiedler_tui.test").warning("fiedler logger from a tool")
    return original(self)

service.FiedlerTools._get_config = noisy
sys.exit(main(["mcp", "--log-stderr"]))
"""


def test_nothing_but_the_protocol_reaches_stdout(mcp_world: McpWorld) -> None:
    params = mcp_world.stdio()
    params.args = ["-c", NOISY_SERVER]
    server = RawServer(params)
    try:
        server.initialize("2025-06-18")
        for request_id in (2, 3):
            server.send(
                {"id": request_id, "method": "tools/call", "params": {"name": "fiedler_get_config"}}
            )
            reply = server.until(lambda m, rid=request_id: m.get("id") == rid)
            assert reply["result"]["isError"] is False
        out, err = server.proc.communicate(timeout=30)  # closes stdin: the client has gone
        server.lines.extend(out.splitlines(keepends=True))
    finally:
        server.close()
    for line in server.lines:
        assert json.loads(line)["jsonrpc"] == "2.0", line
    for noise in (
        "print from a tool",
        "sys.stdout.write from a tool",
        "sys.__stdout__ from a tool",
        "fd 1 from a tool",
        "child process output",
        "root logger from a tool",
        "print while setting up",
        "fd 1 while setting up",
    ):
        assert noise not in "".join(server.lines)
        assert noise in err, noise
    assert "fiedler logger from a tool" in err  # --log-stderr
    log_file = Path(params.env["FIEDLER_LOG_FILE"]) if params.env else None
    assert log_file is not None and "fiedler logger from a tool" in log_file.read_text()
    assert sys.executable
