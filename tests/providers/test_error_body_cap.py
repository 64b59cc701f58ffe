"""Error bodies are read up to a limit: a server sending megabytes is cut off, and says so."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from providers_support import KINDS, run_models, sim_config

from fiedler_tui.core.config.schema import ProviderSpec
from fiedler_tui.core.http import make_async_client
from fiedler_tui.core.providers import ErrorCode, list_models
from fiedler_tui.core.providers.error_body import (
    MAX_ERROR_BODY_BYTES,
    TRUNCATED_NOTE,
    read_error_body,
)
from fiedler_tui.core.runner import Runner
from fiedler_tui.core.simulator import Fault, ModelScript, SimulatedModel, Simulator
from fiedler_tui.core.simulator.http11 import Responder, read_request

HUGE = 8 * 1024 * 1024


@pytest.mark.parametrize("kind", KINDS)
async def test_a_huge_error_body_is_cut_off_and_the_message_says_so(kind: str) -> None:
    script = ModelScript(reply="never", faults=(Fault.huge_error(500, HUGE),))
    models = [SimulatedModel(name="m", kind=kind, script=script)]
    async with Simulator({"m": script}) as sim:
        config = sim_config(sim, models, {f"sim-{kind}": {"max_retries": 0}})
        async with Runner(config, {}) as runner:
            result = await run_models(runner, ["m"])
        await sim.wait_idle()
    failed = result.failed("m")
    assert failed.error.code is ErrorCode.SERVER_ERROR and failed.error.http_status == 500
    assert failed.error.message.startswith('{"error": {"type": "server_error", "message": "over')
    assert failed.error.message.endswith(TRUNCATED_NOTE)
    # the client hung up long before the 8 MiB were out (the server sends 64 KiB at a time)
    [request] = sim.requests_for("m")
    assert request.client_disconnected


async def test_what_is_read_stops_at_the_limit() -> None:
    faults = (Fault.huge_error(503, HUGE), Fault.http(500, '{"error": {"message": "short"}}'))
    script = ModelScript(faults=faults)
    async with Simulator({"m": script}) as sim, make_async_client() as client:
        url = sim.base_url("openai") + "/chat/completions"
        payload = {"model": "m", "stream": True, "messages": []}
        async with client.stream("POST", url, json=payload) as response:
            huge = await read_error_body(response)
        async with client.stream("POST", url, json=payload) as response:
            short = await read_error_body(response)
    assert len(huge.body) == MAX_ERROR_BODY_BYTES and huge.truncated
    assert short.body == b'{"error": {"message": "short"}}' and not short.truncated


@asynccontextmanager
async def huge_error_listing_server(size: int) -> AsyncIterator[dict[str, int | bool]]:
    """A server whose ``GET /v1/models`` answers 500 with ``size`` bytes, 64 KiB at a time."""
    seen: dict[str, int | bool] = {"sent": 0, "complete": False}

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        responder = Responder(reader, writer)
        responder.keep_alive = False
        try:
            await responder.start_stream("application/json", status=500)
            piece = b"x" * 65536
            while seen["sent"] < size and await responder.pause(0.003):
                await responder.chunk(piece)
                seen["sent"] += len(piece)
            if seen["sent"] >= size:
                await responder.end_stream()
                seen["complete"] = True
        except ConnectionError:
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    seen["port"] = server.sockets[0].getsockname()[1]
    async with server:
        yield seen


async def test_the_model_listing_reads_error_bodies_up_to_the_limit_too() -> None:
    async with huge_error_listing_server(HUGE) as seen, make_async_client() as client:
        provider = ProviderSpec(
            name="local",
            kind="openai-compatible",
            base_url=f"http://127.0.0.1:{seen['port']}/v1",
            requires_key=False,
        )
        listing = await list_models(client, provider, None)
    assert listing.error is not None and listing.error.code is ErrorCode.SERVER_ERROR
    assert listing.error.message.endswith(TRUNCATED_NOTE)
    assert seen["complete"] is False
    assert isinstance(seen["sent"], int) and seen["sent"] < HUGE // 4
