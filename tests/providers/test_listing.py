"""GET /v1/models on openai-style servers; unreachable servers are reported, never raised."""

from __future__ import annotations

import socket

from providers_support import sim_config

from fiedler_tui.core.config.schema import ProviderSpec
from fiedler_tui.core.http import make_async_client
from fiedler_tui.core.providers import ErrorCode, list_models
from fiedler_tui.core.simulator import ModelScript, SimulatedModel, Simulator


async def test_lists_the_installed_models() -> None:
    models = [SimulatedModel(name=n, kind="openai-compatible") for n in ("llama3.2", "qwen2.5")]
    async with Simulator({m.name: ModelScript() for m in models}) as sim:
        config = sim_config(sim, models, {"sim-openai-compatible": {"requires_key": True}})
        provider = config.providers["sim-openai-compatible"]
        async with make_async_client() as client:
            listing = await list_models(client, provider, "local-key")
        assert listing.ok and listing.model_ids == ("llama3.2", "qwen2.5")
        [request] = sim.requests
        assert request.method == "GET" and request.path == "/sim-openai-compatible/v1/models"
        assert request.headers["authorization"] == "Bearer local-key"


async def test_unreachable_server_is_reported() -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    provider = ProviderSpec(
        name="ollama",
        kind="openai-compatible",
        base_url=f"http://127.0.0.1:{port}/v1",
        requires_key=False,
    )
    async with make_async_client() as client:
        listing = await list_models(client, provider, None)
    assert not listing.ok and listing.model_ids == ()
    assert listing.error is not None and listing.error.code is ErrorCode.NETWORK
    assert "cannot connect" in listing.error.message


async def test_http_errors_are_reported() -> None:
    async with Simulator({}) as sim, make_async_client() as client:
        wrong = ProviderSpec(name="x", kind="openai-compatible", base_url=sim.root_url + "/nowhere")
        listing = await list_models(client, wrong, None)
    assert listing.error is not None and listing.error.http_status == 404
