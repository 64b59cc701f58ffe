"""The HTTP client's network layer: asyncio streams for httpcore, without a per-read round trip.

httpcore's default asyncio backend (through anyio) makes every read a small ceremony: resume the
socket's reader, wait for an event, pause the reader again (two epoll changes), inside a fresh
cancel scope with its own timer. A stream that delivers a token per read pays that per token.

Here each connection keeps reading into a buffer (paused only when the buffer passes
:data:`HIGH_WATER` bytes, until it drains); a read returns whatever is buffered at once, without
giving up the loop, and waits (with a plain timer for its timeout) only when nothing is there.
Errors are the ones httpcore expects from a backend (``ConnectError``, ``ReadTimeout``, ...), so
the layers above see no difference.
"""

# ruff: noqa: ASYNC109 (the ``timeout`` parameters are httpcore's backend interface)

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore2
from httpcore2 import (
    AsyncNetworkBackend,
    AsyncNetworkStream,
    ConnectError,
    ConnectTimeout,
    ReadError,
    ReadTimeout,
    WriteError,
    WriteTimeout,
)

SocketOption = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)
HIGH_WATER = 256 * 1024
"""Buffered bytes at which a connection stops reading until the buffer is drained."""
HAPPY_EYEBALLS_DELAY_S = 0.25
"""As httpcore's default backend: the next address is tried after this long."""
COALESCE_S = 0.02
"""A trickling stream is read at most once per this long: see :meth:`AsyncioStream.read`."""
TRICKLE_BYTES = 4096
"""Reads smaller than this make a connection a trickle (a token stream), not a transfer."""


class _Protocol(asyncio.Protocol):
    """Buffers what arrives and wakes the one reader or writer that waits."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.chunks: list[bytes] = []
        self.size = 0
        self.eof = False
        self.lost = False
        self.error: BaseException | None = None
        self.reading_paused = False
        self.writing_paused = False
        self.read_waiter: asyncio.Future[bool] | None = None
        self.write_waiter: asyncio.Future[bool] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.set_write_buffer_limits(0)  # a write waits until the kernel took everything

    def data_received(self, data: bytes) -> None:
        self.chunks.append(data)
        self.size += len(data)
        if self.size >= HIGH_WATER and not self.reading_paused and self.transport is not None:
            self.reading_paused = True
            self.transport.pause_reading()
        self._wake_reader()

    def eof_received(self) -> bool | None:
        self.eof = True
        self._wake_reader()
        return None  # the transport closes itself

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        self.error = exc
        self._wake_reader()
        self._wake_writer()

    def pause_writing(self) -> None:
        self.writing_paused = True

    def resume_writing(self) -> None:
        self.writing_paused = False
        self._wake_writer()

    def take(self, max_bytes: int) -> bytes:
        chunks = self.chunks
        data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        if len(data) > max_bytes:
            data, rest = data[:max_bytes], data[max_bytes:]
            self.chunks = [rest]
            self.size = len(rest)
        else:
            self.chunks = []
            self.size = 0
        if self.reading_paused and self.size < HIGH_WATER and self.transport is not None:
            self.reading_paused = False
            self.transport.resume_reading()
        return data

    def _wake_reader(self) -> None:
        waiter = self.read_waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(True)

    def _wake_writer(self) -> None:
        waiter = self.write_waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(True)


class AsyncioStream(AsyncNetworkStream):
    """One connection (plain or TLS) for httpcore."""

    def __init__(
        self, transport: asyncio.Transport, protocol: _Protocol, coalesce_s: float = COALESCE_S
    ) -> None:
        self._transport = transport
        self._protocol = protocol
        self._coalesce_s = coalesce_s
        self._closed = False
        self._last_read_at = -1.0
        """When the last read returned data, if it was a small one (else -1)."""
        self._read_deadline = 0.0
        self._read_timer: asyncio.TimerHandle | None = None
        """Armed at or before the current read's deadline; not cancelled when data arrives
        (that would cost a timer per read): when it fires early it re-arms for the deadline."""

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        """What has arrived, up to ``max_bytes``; waits only when nothing has.

        A trickling stream (a model's tokens, a few bytes a write) is read at most once per
        :data:`COALESCE_S`: when the previous small read was more recent than that, the read
        lets what arrives in the meantime gather first. Each read costs the same whatever it
        carries (HTTP framing, async generators up to httpx), so at thousands of tokens a
        second this divides the client's work per token, for a delay under 20 ms, well below
        a terminal frame. Large transfers, and the first read after a pause, never wait.
        (A first token that comes within 20 ms of the response headers is timed up to that
        much late.)
        """
        protocol = self._protocol
        if protocol.chunks:  # the common case while streaming: no waiting for data
            return await self._take(max_bytes)
        if self._closed:
            raise ReadError("the connection was closed")
        if not (protocol.eof or protocol.lost):
            loop = asyncio.get_running_loop()
            waiter: asyncio.Future[bool] = loop.create_future()
            protocol.read_waiter = waiter
            if timeout is not None:
                self._read_deadline = deadline = loop.time() + max(timeout, 0.0)
                timer = self._read_timer
                if timer is None or timer.when() > deadline:
                    if timer is not None:
                        timer.cancel()
                    self._read_timer = loop.call_at(deadline, self._on_read_timer)
            try:
                arrived = await waiter
            finally:
                protocol.read_waiter = None
            if timeout is None and self._read_timer is not None:
                self._read_timer.cancel()
                self._read_timer = None
            if protocol.chunks:
                return await self._take(max_bytes)
            if not arrived:
                raise ReadTimeout("timed out")
        if self._closed:
            raise ReadError("the connection was closed")
        if protocol.error is not None:
            raise ReadError(str(protocol.error)) from protocol.error
        return b""  # end of stream

    async def _take(self, max_bytes: int) -> bytes:
        protocol = self._protocol
        if self._last_read_at >= 0 and protocol.size < TRICKLE_BYTES:
            loop = asyncio.get_running_loop()
            wait = self._last_read_at + self._coalesce_s - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
        data = protocol.take(max_bytes)
        small = len(data) < TRICKLE_BYTES and self._coalesce_s > 0
        self._last_read_at = asyncio.get_running_loop().time() if small else -1.0
        return data

    def _on_read_timer(self) -> None:
        self._read_timer = None
        waiter = self._protocol.read_waiter
        if waiter is None or waiter.done():
            return  # no read waits: stay disarmed until one does
        loop = asyncio.get_running_loop()
        if loop.time() >= self._read_deadline:
            waiter.set_result(False)
        else:
            self._read_timer = loop.call_at(self._read_deadline, self._on_read_timer)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        protocol = self._protocol
        if self._closed:
            raise WriteError("the connection was closed")
        if protocol.lost or self._transport.is_closing():
            error = protocol.error
            raise WriteError(str(error) if error else "the connection was closed") from error
        self._transport.write(buffer)
        if not protocol.writing_paused:
            return
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[bool] = loop.create_future()
        protocol.write_waiter = waiter
        handle = None
        if timeout is not None:
            handle = loop.call_later(max(timeout, 0.0), _time_out, waiter)
        try:
            drained = await waiter
        finally:
            protocol.write_waiter = None
            if handle is not None:
                handle.cancel()
        if not drained:
            raise WriteTimeout("timed out")
        if protocol.writing_paused:  # woken by the connection's loss, not by a drain
            error = protocol.error
            raise WriteError(str(error) if error else "the connection was lost") from error

    async def aclose(self) -> None:
        self._closed = True
        if self._read_timer is not None:
            self._read_timer.cancel()
            self._read_timer = None
        transport = self._transport
        if not transport.is_closing():
            if transport.can_write_eof():
                with contextlib.suppress(OSError):
                    transport.write_eof()
            transport.close()
            await asyncio.sleep(0)
            transport.abort()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            try:
                async with asyncio.timeout(timeout):
                    transport = await loop.start_tls(
                        self._transport,
                        self._protocol,
                        ssl_context,
                        server_hostname=server_hostname,
                    )
            except TimeoutError as exc:
                raise ConnectTimeout(str(exc)) from exc
            except OSError as exc:  # ssl.SSLError included
                # A close during the handshake is a bare ConnectionResetError (no text).
                detail = str(exc) or f"TLS handshake failed ({type(exc).__name__})"
                raise ConnectError(detail) from exc
            if transport is None:  # pragma: no cover (only without a protocol)
                raise ConnectError("TLS could not be started")
        except BaseException:
            await self.aclose()
            raise
        assert isinstance(transport, asyncio.Transport)
        self._protocol.transport = transport
        return AsyncioStream(transport, self._protocol)

    def get_extra_info(self, info: str) -> Any:
        transport = self._transport
        if info == "ssl_object":
            return transport.get_extra_info("ssl_object")
        if info == "client_addr":
            return transport.get_extra_info("sockname")
        if info == "server_addr":
            return transport.get_extra_info("peername")
        if info == "socket":
            return transport.get_extra_info("socket")
        if info == "is_readable":
            # An idle connection with anything to read (data, end of stream) was closed or
            # broken by the server: what httpcore asks before reusing one.
            protocol = self._protocol
            return bool(protocol.chunks) or protocol.eof or protocol.lost or self._closed
        return None


def _time_out(waiter: asyncio.Future[bool]) -> None:
    if not waiter.done():
        waiter.set_result(False)


class AsyncioBackend(AsyncNetworkBackend):
    """Connections as :class:`AsyncioStream`; errors as httpcore's."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        local = (local_address, 0) if local_address else None
        try:
            async with asyncio.timeout(timeout):
                transport, protocol = await loop.create_connection(
                    _Protocol,
                    host,
                    port,
                    local_addr=local,
                    happy_eyeballs_delay=HAPPY_EYEBALLS_DELAY_S,
                )
        except TimeoutError as exc:
            raise ConnectTimeout(str(exc)) from exc
        except OSError as exc:
            raise ConnectError(str(exc)) from exc
        return _stream(transport, protocol, socket_options)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                transport, protocol = await loop.create_unix_connection(_Protocol, path)
        except TimeoutError as exc:
            raise ConnectTimeout(str(exc)) from exc
        except OSError as exc:
            raise ConnectError(str(exc)) from exc
        return _stream(transport, protocol, socket_options)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def _stream(
    transport: asyncio.BaseTransport,
    protocol: _Protocol,
    socket_options: Iterable[SocketOption] | None,
) -> AsyncioStream:
    assert isinstance(transport, asyncio.Transport)
    sock: socket.socket | None = transport.get_extra_info("socket")
    if sock is not None:
        for option in socket_options or ():
            sock.setsockopt(*option)
    return AsyncioStream(transport, protocol)


__all__ = ["AsyncioBackend", "AsyncioStream", "httpcore2"]
