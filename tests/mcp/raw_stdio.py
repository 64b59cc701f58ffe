"""``fiedler mcp`` over stdio driven line by line, for what the SDK's client does not do: an old
initialize handshake, and a client that goes away in the middle of a call."""

from __future__ import annotations

import json
import subprocess
from typing import Any

from mcp.client.stdio import StdioServerParameters


class RawServer:
    def __init__(self, params: StdioServerParameters) -> None:
        self.proc = subprocess.Popen(
            [params.command, *params.args],
            env=params.env,
            cwd=params.cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        """Every line read from stdout: each must be a JSON-RPC message."""

    def send(self, message: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"jsonrpc": "2.0", **message}) + "\n")
        self.proc.stdin.flush()

    def read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line, f"the server closed stdout; stderr: {self.stderr_text()}"
        self.lines.append(line)
        message: dict[str, Any] = json.loads(line)  # anything else on stdout fails here
        assert message.get("jsonrpc") == "2.0", line
        return message

    def until(self, predicate: Any) -> dict[str, Any]:
        while True:
            message = self.read()
            if predicate(message):
                return message

    def initialize(self, version: str) -> dict[str, Any]:
        self.send(
            {
                "id": 1,
                "method": "initialize",
                "params": {
                    "protocolVersion": version,
                    "capabilities": {},
                    "clientInfo": {"name": "old-host", "version": "0.1"},
                },
            }
        )
        reply = self.until(lambda m: m.get("id") == 1)
        self.send({"method": "notifications/initialized"})
        return reply

    def call_then_leave(self, tool: str, arguments: dict[str, Any], streaming: str) -> None:
        """Call ``tool`` with a progress token, wait for progress saying ``streaming``, then
        close stdin as a client that goes away does (the server's process ends)."""
        self.send(
            {
                "id": 2,
                "method": "tools/call",
                "params": {
                    "name": tool,
                    "arguments": arguments,
                    "_meta": {"progressToken": "p1"},
                },
            }
        )
        self.until(
            lambda m: (
                m.get("method") == "notifications/progress"
                and streaming in m["params"].get("message", "")
            )
        )
        self.proc.communicate(timeout=30)  # stdin closed: the client is gone

    def stderr_text(self) -> str:
        self.proc.kill()
        _, err = self.proc.communicate(timeout=10)
        return str(err)

    def close(self) -> None:
        if self.proc.returncode is None:
            self.proc.kill()
            self.proc.communicate(timeout=10)
