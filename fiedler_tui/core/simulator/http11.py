"""Just enough HTTP/1.1 for the simulator: keep-alive requests with Content-Length bodies,
JSON responses, chunked streaming responses, abrupt resets and disconnect detection."""

from __future__ import annotations

import asyncio
import json
import socket
import struct
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

MAX_HEADER_LINES = 100
_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    409: "Conflict",
    413: "Payload Too Large",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
    529: "Site Overloaded",
}


class BadRequest(Exception):
    """The bytes received are not an HTTP/1.1 request this server understands."""


@dataclass(frozen=True, kw_only=True)
class HttpRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    """Lower-case names."""
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


async def read_request(reader: asyncio.StreamReader) -> HttpRequest | None:
    """The next request on the connection, or None when the client closed it."""
    try:
        line = await reader.readline()
    except (ConnectionError, asyncio.LimitOverrunError, ValueError):
        return None
    if not line:
        return None
    parts = line.decode("latin-1").strip().split(" ")
    if len(parts) != 3:
        raise BadRequest(f"bad request line {line!r}")
    method, target, _version = parts
    headers: dict[str, str] = {}
    for _ in range(MAX_HEADER_LINES):
        raw = await reader.readline()
        if raw in (b"\r\n", b"\n", b""):
            break
        name, _, value = raw.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", ""):
        raise BadRequest("chunked request bodies are not supported")
    length = int(headers.get("content-length", "0") or "0")
    body = await reader.readexactly(length) if length else b""
    url = urlsplit(target)
    return HttpRequest(
        method=method, path=url.path, query=parse_qs(url.query), headers=headers, body=body
    )


class Responder:
    """Writes one response on a connection."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.status = 0
        self.keep_alive = True
        self.complete = False
        """True once a whole response (including a stream's last chunk) was written."""

    @property
    def client_gone(self) -> bool:
        return self.reader.at_eof() or self.writer.is_closing()

    async def send(
        self,
        status: int,
        body: bytes,
        *,
        content_type: str = "application/json",
        headers: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self.status = status
        head = self._head(
            status, (("content-type", content_type), ("content-length", str(len(body))), *headers)
        )
        self.writer.write(head + body)
        await self.writer.drain()
        self.complete = True

    async def send_json(
        self, status: int, payload: Any, headers: tuple[tuple[str, str], ...] = ()
    ) -> None:
        body = json.dumps(payload, separators=(",", ":")).encode()
        await self.send(status, body, headers=headers)

    async def start_stream(
        self, content_type: str, headers: tuple[tuple[str, str], ...] = (), status: int = 200
    ) -> None:
        self.status = status
        all_headers = (
            ("content-type", content_type),
            ("transfer-encoding", "chunked"),
            ("cache-control", "no-cache"),
            *headers,
        )
        self.writer.write(self._head(status, all_headers))
        await self.writer.drain()

    async def chunk(self, data: bytes) -> None:
        if data:
            self.writer.write(b"%x\r\n%s\r\n" % (len(data), data))
            await self.writer.drain()

    async def end_stream(self) -> None:
        self.writer.write(b"0\r\n\r\n")
        await self.writer.drain()
        self.complete = True

    def reset(self) -> None:
        """Abort the connection with a TCP RST (SO_LINGER 0), as a crashed proxy would."""
        self.keep_alive = False
        sock = self.writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.writer.transport.abort()

    async def pause(self, seconds: float | None) -> bool:
        """Sleep ``seconds`` (None: forever) unless the client leaves; False if it left."""
        loop = asyncio.get_running_loop()
        deadline = None if seconds is None else loop.time() + seconds
        while True:
            if self.client_gone:
                return False
            remaining = 0.02 if deadline is None else min(0.02, deadline - loop.time())
            if remaining <= 0:
                return True
            await asyncio.sleep(remaining)

    def _head(self, status: int, headers: tuple[tuple[str, str], ...]) -> bytes:
        reason = _REASONS.get(status, "Status")
        lines = [f"HTTP/1.1 {status} {reason}"]
        lines += [f"{name}: {value}" for name, value in headers]
        if not self.keep_alive:
            lines.append("connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
