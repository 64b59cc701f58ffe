"""The shared client over real TLS on loopback: streaming, keep-alive, verification, faults.

A throwaway CA (``trustme``) signs the server's certificate; the client trusts that CA through
``make_async_client(ssl_context=...)``, so every request runs the real transport, the asyncio
network backend and its ``start_tls``.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import struct
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Literal

import pytest
import trustme

from fiedler_tui.core.http import RoutingTransport, httpx, make_async_client
from fiedler_tui.core.network import NetworkEnvironment
from fiedler_tui.core.providers.classify import classify_exception
from fiedler_tui.core.providers.errors import ErrorCode, ProviderError
from fiedler_tui.core.providers.sse import SSEDecoder

EVENTS = [f'{{"n": {i}, "text": "token {i}"}}' for i in range(6)]
PAUSE_S = 0.02
CONNECT_TIMEOUT_S = 0.3
READ_TIMEOUT_S = 2.0

BIG_BYTES = 3 * 1024 * 1024
"""More than the backend's read buffer limit and the TLS write buffers, both ways."""

Mode = Literal[
    "stream",
    "close_when_idle",
    "close_mid_stream",
    "abort_mid_stream",
    "reset_mid_stream",
    "stall_mid_stream",
]


@dataclass
class TLSServer:
    """Minimal HTTP/1.1 over TLS: every request gets an event stream, chunk by chunk."""

    context: ssl.SSLContext
    mode: Mode = "stream"
    port: int = 0
    connections: int = 0
    """TLS connections whose handshake completed."""
    requests: list[str] = field(default_factory=list)
    handlers: set[asyncio.Task[None]] = field(default_factory=set)
    writers: set[asyncio.StreamWriter] = field(default_factory=set)
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}/v1/stream"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.handlers.add(task)
        self.writers.add(writer)
        self.connections += 1
        try:
            await self.serve(reader, writer)
        except (ConnectionError, ssl.SSLError):
            pass  # the client went away mid-response
        finally:
            writer.close()
            self.writers.discard(writer)
            self.handlers.discard(task)

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
                return  # the client closed the connection
            lines = head.decode("latin-1").split("\r\n")
            self.requests.append(lines[0])
            body = b""
            for line in lines[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    body = await reader.readexactly(int(value))
            if lines[0].startswith("POST /big "):
                await self.big(writer, len(body))
            elif not await self.events(writer):
                return
            if self.mode == "close_when_idle":
                return  # closes a kept-alive connection the client may reuse

    async def big(self, writer: asyncio.StreamWriter, received: int) -> None:
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\n"
            b"x-received: %d\r\ncontent-length: %d\r\n\r\n" % (received, BIG_BYTES)
        )
        block = bytes(range(256)) * 256
        for _ in range(BIG_BYTES // len(block)):
            writer.write(block)
            await writer.drain()

    async def events(self, writer: asyncio.StreamWriter) -> bool:
        """Send :data:`EVENTS` one chunk each; False when the mode broke the connection."""
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
            b"transfer-encoding: chunked\r\ncache-control: no-cache\r\n\r\n"
        )
        for index, event in enumerate(EVENTS):
            if index == 3 and self.mode.endswith("_mid_stream"):
                if self.mode == "close_mid_stream":
                    writer.close()  # a clean TLS shutdown (close_notify), but mid-body
                elif self.mode == "abort_mid_stream":
                    writer.transport.abort()  # no close_notify: TCP FIN only
                elif self.mode == "reset_mid_stream":
                    sock = writer.get_extra_info("socket")
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    writer.transport.abort()  # TCP RST, as a crashed proxy would
                else:
                    await self.stop.wait()  # stall until the test ends
                return False
            data = f"data: {event}\n\n".encode()
            writer.write(b"%x\r\n%s\r\n" % (len(data), data))
            await writer.drain()
            await asyncio.sleep(PAUSE_S)
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        return True


@contextlib.asynccontextmanager
async def tls_server(context: ssl.SSLContext, mode: Mode = "stream") -> AsyncIterator[TLSServer]:
    state = TLSServer(context, mode)
    server = await asyncio.start_server(state.handle, "127.0.0.1", 0, ssl=context)
    state.port = server.sockets[0].getsockname()[1]
    try:
        yield state
    finally:
        server.close()
        state.stop.set()
        for writer in list(state.writers):
            writer.transport.abort()
        if state.handlers:  # not cancelled: Python 3.11's start_server logs cancelled handlers
            await asyncio.wait(state.handlers, timeout=2.0)
        await server.wait_closed()


def server_context(ca: trustme.CA, *names: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(context)
    return context


def client_context(ca: trustme.CA) -> ssl.SSLContext:
    """Trusts ``ca`` only (not the system store), with hostname checks on."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ca.configure_trust(context)
    return context


def client(
    ca: trustme.CA, *, connect_timeout_s: float = 2.0, read_timeout_s: float = READ_TIMEOUT_S
) -> httpx.AsyncClient:
    return make_async_client(
        connect_timeout_s=connect_timeout_s,
        read_timeout_s=read_timeout_s,
        ssl_context=client_context(ca),
    )


def classify(
    exc: Exception, *, connect_timeout_s: float = 2.0, read_timeout_s: float = READ_TIMEOUT_S
) -> ProviderError:
    return classify_exception(
        exc,
        provider="tls-test",
        connect_timeout_s=connect_timeout_s,
        read_timeout_s=read_timeout_s,
    )


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


async def stream_events(http: httpx.AsyncClient, url: str) -> tuple[list[str], int, str, object]:
    """POST and read the event stream: (event data, reads, TLS version, network stream)."""
    decoder = SSEDecoder()
    data: list[str] = []
    reads = 0
    async with http.stream("POST", url, json={"stream": True}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/event-stream"
        network_stream = response.extensions["network_stream"]
        ssl_object = network_stream.get_extra_info("ssl_object")
        assert isinstance(ssl_object, ssl.SSLObject)
        version = ssl_object.version()
        async for chunk in response.aiter_bytes():
            reads += 1
            data += [event.data for event in decoder.feed(chunk)]
    assert not decoder.pending
    assert version is not None
    return data, reads, version, network_stream


async def test_event_stream_over_tls_is_complete_in_order_and_reuses_the_connection(
    ca: trustme.CA,
) -> None:
    async with (
        tls_server(server_context(ca, "localhost", "127.0.0.1")) as server,
        client(ca) as http,
    ):
        first, first_reads, version, first_stream = await stream_events(http, server.url)
        second, _, _, second_stream = await stream_events(http, server.url)
    assert first == EVENTS
    assert second == EVENTS
    assert first_reads > 1  # the events arrived over several reads, as they were sent
    assert server.requests == ["POST /v1/stream HTTP/1.1"] * 2
    assert server.connections == 1  # keep-alive: one TLS handshake for both requests
    assert first_stream is second_stream
    assert version in ("TLSv1.2", "TLSv1.3")


async def test_tls_1_2_is_the_floor(ca: trustme.CA) -> None:
    """A server capped at TLS 1.2 still works (the version reported is the negotiated one), and
    the default context (the system's CAs) verifies and accepts nothing older."""
    context = server_context(ca, "127.0.0.1")
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    async with tls_server(context) as server, client(ca) as http:
        data, _, version, _ = await stream_events(http, server.url)
    assert data == EVENTS
    assert version == "TLSv1.2"
    async with make_async_client(environment=NetworkEnvironment.read({})) as default:
        transport = default._transport
        assert isinstance(transport, RoutingTransport)
        pool = (await transport.transport_for("https://api.openai.com/v1")).pool
        default_context = pool._ssl_context
    assert default_context.minimum_version >= ssl.TLSVersion.TLSv1_2
    assert default_context.verify_mode is ssl.CERT_REQUIRED
    assert default_context.check_hostname


async def test_certificate_from_an_untrusted_ca_is_refused(ca: trustme.CA) -> None:
    stranger = trustme.CA()
    async with (
        tls_server(server_context(stranger, "localhost", "127.0.0.1")) as server,
        client(ca) as http,
    ):
        with pytest.raises(httpx.ConnectError) as caught:
            await http.post(server.url, json={})
    assert server.requests == []
    error = classify(caught.value)
    assert error.code is ErrorCode.NETWORK
    assert error.retryable
    assert "certificate" in error.message.lower()
    assert "verify failed" in error.message.lower()


async def test_certificate_for_another_name_is_refused(ca: trustme.CA) -> None:
    async with (
        tls_server(server_context(ca, "other.example")) as server,
        client(ca) as http,
    ):
        with pytest.raises(httpx.ConnectError) as caught:
            await http.post(server.url, json={})
    assert server.requests == []
    error = classify(caught.value)
    assert error.code is ErrorCode.NETWORK
    assert "certificate" in error.message.lower()
    assert "127.0.0.1" in error.message  # the name that did not match


async def test_a_handshake_that_never_completes_hits_the_connect_timeout(ca: trustme.CA) -> None:
    """The server accepts TCP and reads the ClientHello, but never answers it."""
    accepted = asyncio.Event()

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.set()
        with contextlib.suppress(ConnectionError):
            await reader.read()  # until the client gives up
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with client(ca, connect_timeout_s=CONNECT_TIMEOUT_S) as http:
            began = time.monotonic()
            with pytest.raises(httpx.ConnectTimeout) as caught:
                await asyncio.wait_for(http.get(f"https://127.0.0.1:{port}/"), 5.0)
            elapsed = time.monotonic() - began
    finally:
        server.close()
        await server.wait_closed()
    assert accepted.is_set()  # TCP connected: it was the handshake that timed out
    assert CONNECT_TIMEOUT_S * 0.8 <= elapsed < CONNECT_TIMEOUT_S + 1.0
    error = classify(caught.value, connect_timeout_s=CONNECT_TIMEOUT_S)
    assert error.code is ErrorCode.TIMEOUT
    assert error.message.startswith("connect timeout")


@pytest.mark.parametrize("server", ["plain_http", "hangs_up"])
async def test_a_failed_handshake_is_a_connect_error_that_says_why(
    ca: trustme.CA, server: str
) -> None:
    """An ``https`` URL to a plain-HTTP server (a local server's usual mistake), and a server
    that hangs up during the handshake: refused at once, with a message that says something."""

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            await reader.read(65536)  # the ClientHello (read, so that closing sends no RST)
            if server == "plain_http":
                writer.write(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
                await writer.drain()
        writer.close()

    plain = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = plain.sockets[0].getsockname()[1]
    try:
        async with client(ca) as http:
            with pytest.raises(httpx.ConnectError) as caught:
                await asyncio.wait_for(http.get(f"https://127.0.0.1:{port}/"), 5.0)
    finally:
        plain.close()
        await plain.wait_closed()
    error = classify(caught.value)
    assert error.code is ErrorCode.NETWORK
    detail = error.message.removeprefix("cannot connect: ")
    assert detail != "ConnectError"  # not just the exception's name
    if server == "plain_http":
        assert "wrong version number" in detail.lower()
    else:
        assert detail in (
            "TLS handshake failed (ConnectionResetError)",
            "[Errno 104] Connection reset by peer",
        )


async def test_large_bodies_both_ways_over_tls(ca: trustme.CA) -> None:
    """Flow control through TLS: a body larger than the write buffers goes out, and a response
    larger than the read buffer's limit (reading paused and resumed) comes back intact."""
    upload = bytes(range(251)) * (BIG_BYTES // 251)
    async with tls_server(server_context(ca, "127.0.0.1")) as server, client(ca) as http:
        big_url = server.url.replace("/v1/stream", "/big")
        async with http.stream("POST", big_url, content=upload) as response:
            assert response.headers["x-received"] == str(len(upload))
            received = bytearray()
            async for chunk in response.aiter_bytes():
                received += chunk
                if len(received) < 2 * 65536:
                    await asyncio.sleep(0.01)  # a slow reader first: the buffer fills up
        data, _, _, _ = await stream_events(http, server.url)  # the connection is still usable
    block = bytes(range(256)) * 256
    assert received == block * (BIG_BYTES // len(block))
    assert data == EVENTS
    assert server.connections == 1


async def test_a_kept_alive_connection_the_server_closed_is_not_reused(ca: trustme.CA) -> None:
    async with (
        tls_server(server_context(ca, "127.0.0.1"), "close_when_idle") as server,
        client(ca) as http,
    ):
        first, _, _, _ = await stream_events(http, server.url)
        if server.handlers:  # the server has closed the connection...
            await asyncio.wait(server.handlers, timeout=2.0)
        await asyncio.sleep(0.05)  # ...and its close_notify and FIN have arrived
        second, _, _, _ = await stream_events(http, server.url)
    assert first == second == EVENTS
    assert server.connections == 2


@pytest.mark.parametrize("mode", ["close_mid_stream", "abort_mid_stream", "reset_mid_stream"])
async def test_server_closing_mid_stream_is_a_network_error_not_a_truncated_success(
    ca: trustme.CA, mode: Mode
) -> None:
    received: list[str] = []
    async with (
        tls_server(server_context(ca, "127.0.0.1"), mode) as server,
        client(ca) as http,
    ):
        decoder = SSEDecoder()
        with pytest.raises(httpx.TransportError) as caught:
            async with asyncio.timeout(5.0):  # a hang fails the test instead
                async with http.stream("POST", server.url, json={}) as response:
                    async for chunk in response.aiter_bytes():
                        received += [event.data for event in decoder.feed(chunk)]
    assert received == EVENTS[:3]  # what arrived before the close was delivered
    assert isinstance(caught.value, httpx.RemoteProtocolError | httpx.ReadError)
    error = classify(caught.value)
    assert error.code is ErrorCode.NETWORK  # as reset_mid_stream over plain HTTP
    assert error.retryable
    assert error.message.startswith("connection lost")


async def test_a_stall_mid_stream_over_tls_hits_the_read_timeout(ca: trustme.CA) -> None:
    received: list[str] = []
    async with (
        tls_server(server_context(ca, "127.0.0.1"), "stall_mid_stream") as server,
        client(ca, read_timeout_s=0.2) as http,
    ):
        decoder = SSEDecoder()
        began = time.monotonic()
        with pytest.raises(httpx.ReadTimeout) as caught:
            async with asyncio.timeout(5.0):
                async with http.stream("POST", server.url, json={}) as response:
                    async for chunk in response.aiter_bytes():
                        received += [event.data for event in decoder.feed(chunk)]
        elapsed = time.monotonic() - began
    assert received == EVENTS[:3]
    assert elapsed < 2.0
    error = classify(caught.value, read_timeout_s=0.2)
    assert error.code is ErrorCode.TIMEOUT  # as stall_mid_stream over plain HTTP
    assert error.message.startswith("idle timeout")
