"""A small HTTP forward proxy, run as its own process, that reports every request it carries.

It does what corporate proxies do for HTTP clients: ``CONNECT host:port`` opens a blind tunnel
(for https), and a request with an absolute URL (``GET http://host:port/path``) is forwarded to
that origin in origin form. Optional: Basic proxy authentication (``--auth user:password``,
``407`` otherwise), TLS towards the client (``--cert``/``--key``: an ``https://`` proxy), and
names only the proxy can resolve (``--map api.sim.test=127.0.0.1``), so a request that reached
such a name provably went through the proxy.

It prints ``ready PORT``, then one line per request as it arrives: ``CONNECT host:port``,
``FORWARD METHOD URL``, ``DENIED ...`` (wrong or missing credentials) or ``FAILED ...``.

Standard library only: ``python tests/support/forward_proxy.py [options]``. From a test, use
:class:`ForwardProxy`, which runs it and collects its lines.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

HEAD_LIMIT = 64 * 1024


class Proxy:
    def __init__(self, names: dict[str, str], auth: str | None) -> None:
        self.names = names
        self.expected = b"Basic " + base64.b64encode(auth.encode()) if auth is not None else None

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            line, headers = parse_head(head)
            method, target, _ = line.split(" ", 2)
            if self.expected is not None and headers.get("proxy-authorization") != self.expected:
                report(f"DENIED {method} {target}")
                writer.write(
                    b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                    b'Proxy-Authenticate: Basic realm="test"\r\ncontent-length: 0\r\n\r\n'
                )
                await writer.drain()
                return
            if method == "CONNECT":
                await self.tunnel(target, reader, writer)
            else:
                await self.forward(method, target, head, reader, writer)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def open(self, host: str, port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection(self.names.get(host, host), port)

    async def tunnel(
        self, target: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        report(f"CONNECT {target}")
        host, _, port = target.rpartition(":")
        try:
            up_reader, up_writer = await self.open(host.strip("[]"), int(port))
        except OSError as exc:
            report(f"FAILED CONNECT {target}: {exc}")
            writer.write(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n")
            await writer.drain()
            return
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await writer.drain()
        await pipe_both(reader, writer, up_reader, up_writer)

    async def forward(
        self,
        method: str,
        target: str,
        head: bytes,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        """Requests on one client connection go to the origin of its first request; the
        answers are relayed as they come, byte for byte."""
        url = urlsplit(target)
        if not url.hostname:
            writer.write(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
            await writer.drain()
            return
        try:
            up_reader, up_writer = await self.open(url.hostname, url.port or 80)
        except OSError as exc:
            report(f"FAILED {method} {target}: {exc}")
            writer.write(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n")
            await writer.drain()
            return
        relay = asyncio.create_task(pipe(up_reader, writer))
        try:
            while True:
                line, headers = parse_head(head)
                method, target, version = line.split(" ", 2)
                report(f"FORWARD {method} {target}")
                url = urlsplit(target)
                path = (url.path or "/") + (f"?{url.query}" if url.query else "")
                kept = [
                    raw
                    for raw in head.split(b"\r\n")[1:]
                    if raw and not raw.lower().startswith((b"proxy-authorization:", b"proxy-conn"))
                ]
                up_writer.write(f"{method} {path} {version}\r\n".encode() + b"\r\n".join(kept))
                up_writer.write(b"\r\n\r\n")
                length = int(headers.get("content-length", b"0"))
                if length:
                    up_writer.write(await reader.readexactly(length))
                await up_writer.drain()
                head = await reader.readuntil(b"\r\n\r\n")  # the next request, if any
        finally:
            relay.cancel()
            up_writer.close()


def parse_head(head: bytes) -> tuple[str, dict[str, bytes]]:
    lines = head.split(b"\r\n")
    headers: dict[str, bytes] = {}
    for raw in lines[1:]:
        name, _, value = raw.partition(b":")
        if name:
            headers[name.decode("latin-1").strip().lower()] = value.strip()
    return lines[0].decode("latin-1"), headers


async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError, asyncio.CancelledError):
        while data := await source.read(65536):
            sink.write(data)
            await sink.drain()
    with contextlib.suppress(Exception):
        if sink.can_write_eof():
            sink.write_eof()


async def pipe_both(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    up_reader: asyncio.StreamReader,
    up_writer: asyncio.StreamWriter,
) -> None:
    try:
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
    finally:
        up_writer.close()


def report(line: str) -> None:
    print(line, flush=True)


async def main(args: argparse.Namespace) -> None:
    names = dict(item.split("=", 1) for item in args.map)
    context = None
    if args.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
    proxy = Proxy(names, args.auth)
    server = await asyncio.start_server(
        proxy.serve, "127.0.0.1", args.port, ssl=context, limit=HEAD_LIMIT
    )
    report(f"ready {server.sockets[0].getsockname()[1]}")
    async with server:
        await server.serve_forever()


class ForwardProxy:
    """Runs the proxy in a subprocess; :attr:`lines` holds what it reported so far."""

    def __init__(
        self,
        *,
        names: dict[str, str] | None = None,
        auth: str | None = None,
        cert: Path | None = None,
        key: Path | None = None,
    ) -> None:
        command = [sys.executable, str(Path(__file__).resolve())]
        for name, address in (names or {}).items():
            command += ["--map", f"{name}={address}"]
        if auth is not None:
            command += ["--auth", auth]
        if cert is not None and key is not None:
            command += ["--cert", str(cert), "--key", str(key)]
        self.scheme = "https" if cert is not None else "http"
        self._command = command
        self._process: subprocess.Popen[str] | None = None
        self._reader: threading.Thread | None = None
        self.lines: list[str] = []
        self.port = 0

    def start(self) -> ForwardProxy:
        self._process = subprocess.Popen(
            self._command, stdout=subprocess.PIPE, text=True, bufsize=1
        )
        assert self._process.stdout is not None
        first = self._process.stdout.readline().split()
        if first[:1] != ["ready"]:
            self.stop()
            raise RuntimeError(f"the proxy did not start: {first}")
        self.port = int(first[1])
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        return self

    def _read(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        for line in self._process.stdout:
            self.lines.append(line.rstrip("\n"))

    def url(self, credentials: str = "") -> str:
        at = f"{credentials}@" if credentials else ""
        return f"{self.scheme}://{at}127.0.0.1:{self.port}"

    def wait_for(self, count: int, prefix: str = "", timeout_s: float = 5.0) -> list[str]:
        """The reported lines starting with ``prefix``, once there are ``count`` of them (a line
        is printed before the request is passed on, but read by this process a moment later)."""
        deadline = time.monotonic() + timeout_s
        while True:
            found = [line for line in self.lines if line.startswith(prefix)]
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.01)

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=5)
            if self._reader is not None:
                self._reader.join(timeout=5)  # it ends at the end of the output
            if self._process.stdout is not None:
                self._process.stdout.close()
            self._process = None

    def __enter__(self) -> ForwardProxy:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--map", action="append", default=[], help="NAME=ADDRESS")
    parser.add_argument("--auth", help="USER:PASSWORD required as Basic proxy authorization")
    parser.add_argument("--cert", help="PEM certificate chain: serve TLS (an https:// proxy)")
    parser.add_argument("--key", help="PEM private key of --cert")
    return parser.parse_args(argv)


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(parse_args()))
