"""The client's network backend: buffered reads, timeouts, end of stream and close."""

from __future__ import annotations

import asyncio
from itertools import accumulate

import httpcore2
import pytest

from fiedler_tui.core.http import RoutingTransport, make_async_client
from fiedler_tui.core.net import AsyncioBackend


async def test_the_shared_client_runs_on_the_asyncio_backend() -> None:
    async with make_async_client() as client:
        transport = client._transport
        assert isinstance(transport, RoutingTransport)
        for url in ("http://127.0.0.1:8080/v1", "https://api.openai.com/v1"):
            pool = (await transport.transport_for(url)).pool
            assert isinstance(pool._network_backend, AsyncioBackend)


async def test_reads_timeouts_end_of_stream_and_close() -> None:
    release = asyncio.Event()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(0.05)  # the first read waits (and arms its 30 s timer)
        writer.write(b"one")
        await writer.drain()
        await release.wait()
        writer.write(b"two")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        stream = await AsyncioBackend().connect_tcp("127.0.0.1", port, timeout=2.0)
        assert await stream.read(65536, timeout=30.0) == b"one"
        # A shorter timeout than the one armed by the previous read still applies.
        with pytest.raises(httpcore2.ReadTimeout):
            await stream.read(65536, timeout=0.05)
        assert not stream.get_extra_info("is_readable")
        release.set()
        assert await stream.read(2, timeout=2.0) == b"tw"  # max_bytes is honoured
        assert await stream.read(65536, timeout=2.0) == b"o"
        assert await stream.read(65536, timeout=2.0) == b""  # end of stream
        assert stream.get_extra_info("is_readable")
        await stream.aclose()
        with pytest.raises(httpcore2.ReadError):
            await stream.read(65536, timeout=1.0)
        with pytest.raises(httpcore2.WriteError):
            await stream.write(b"x", timeout=1.0)
    finally:
        server.close()
        await server.wait_closed()


async def test_refused_connection_is_a_connect_error() -> None:
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    with pytest.raises(httpcore2.ConnectError):
        await AsyncioBackend().connect_tcp("127.0.0.1", port, timeout=2.0)


async def test_a_trickle_is_read_in_batches_and_nothing_is_lost() -> None:
    writes = [b"tok%03d " % i for i in range(100)]
    bulk = bytes(range(256)) * 1000

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for piece in writes:  # a token stream: a few bytes a write, about 1 ms apart
            writer.write(piece)
            await writer.drain()
            await asyncio.sleep(0.001)
        writer.write(bulk)  # then a transfer: read in full-size pieces, never held back
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        stream = await AsyncioBackend().connect_tcp("127.0.0.1", port, timeout=2.0)
        sizes: list[int] = []
        received = bytearray()
        while data := await stream.read(65536, timeout=5.0):
            sizes.append(len(data))
            received += data
        await stream.aclose()
    finally:
        server.close()
        await server.wait_closed()
    assert bytes(received) == b"".join(writes) + bulk
    trickle_reads = next(i for i, total in enumerate(accumulate(sizes)) if total >= 800) + 1
    # 100 writes over at least 100 ms, read at most once per 20 ms (plus the first read).
    assert trickle_reads <= 25, sizes
