"""Concurrency caps (seen by the simulator's peak counters), rate limits and cancellation."""

from __future__ import annotations

import asyncio
import time

from providers_support import REQUEST, run_models, sim_config

from fiedler_tui.core.runner import Cancelled, Finished, Runner, Started, TextDelta, is_terminal
from fiedler_tui.core.runner.limits import request_token_estimate
from fiedler_tui.core.simulator import ModelScript, SimulatedModel, Simulator

SLOW = ModelScript(reply="a b c", ttft_s=0.15)


def many(kind: str, provider: str, count: int, script: ModelScript = SLOW) -> list[SimulatedModel]:
    return [
        SimulatedModel(name=f"{provider}-{i}", kind=kind, provider=provider, script=script)
        for i in range(count)
    ]


async def test_per_provider_cap_is_observed_by_the_server() -> None:
    models = many("openai", "narrow", 6) + many("anthropic", "wide", 6)
    async with Simulator({m.name: m.script for m in models}) as sim:
        settings = {"narrow": {"max_concurrency": 2}, "wide": {"max_concurrency": 6}}
        async with Runner(sim_config(sim, models, settings), {}) as runner:
            result = await run_models(runner, [m.name for m in models])
        assert all(isinstance(result.terminal(m.name), Finished) for m in models)
        assert sim.peak_for("narrow") == 2
        assert sim.peak_for("wide") == 6
        assert sim.peak_concurrency == 8


async def test_global_cap_bounds_all_providers_together() -> None:
    models = many("openai", "p1", 5) + many("gemini", "p2", 5)
    async with Simulator({m.name: m.script for m in models}) as sim:
        settings = {"p1": {"max_concurrency": 5}, "p2": {"max_concurrency": 5}}
        async with Runner(sim_config(sim, models, settings), {}, global_limit=3) as runner:
            result = await run_models(runner, [m.name for m in models])
        assert all(isinstance(result.terminal(m.name), Finished) for m in models)
        assert sim.peak_concurrency == 3


async def test_requests_per_minute_holds_back_the_third_request() -> None:
    models = many("openai", "metered", 3, ModelScript(reply="x"))
    async with Simulator({m.name: m.script for m in models}) as sim:
        settings = {"metered": {"requests_per_minute": 2, "max_concurrency": 3}}
        async with Runner(sim_config(sim, models, settings), {}) as runner:
            fan_out = runner.start(REQUEST, [m.name for m in models])
            finished: list[str] = []
            async with fan_out:
                async for event in fan_out:
                    if isinstance(event, Finished):
                        finished.append(event.model)
                    if len(finished) == 2:
                        break
            # the third model never got a request slot within the minute's budget
            assert len(sim.requests) == 2


async def test_tokens_per_minute_holds_back_the_request_that_would_exceed_it() -> None:
    models = many("openai", "metered", 3, ModelScript(reply="x"))
    per_request = request_token_estimate(REQUEST, models[0].max_completion_tokens)
    async with Simulator({m.name: m.script for m in models}) as sim:
        settings = {"metered": {"tokens_per_minute": 2 * per_request + per_request // 2}}
        async with Runner(sim_config(sim, models, settings), {}) as runner:
            fan_out = runner.start(REQUEST, [m.name for m in models])
            finished: list[str] = []
            async with fan_out:
                async for event in fan_out:
                    if isinstance(event, Finished):
                        finished.append(event.model)
                    if len(finished) == 2:
                        break
            # two requests used the minute's token allowance; the third is still waiting
            assert len(sim.requests) == 2


async def test_a_request_larger_than_the_token_limit_still_goes_out_once() -> None:
    models = many("openai", "tiny", 1, ModelScript(reply="x"))
    async with Simulator({m.name: m.script for m in models}) as sim:
        settings = {"tiny": {"tokens_per_minute": 10}}
        async with Runner(sim_config(sim, models, settings), {}) as runner:
            result = await run_models(runner, [models[0].name])
        assert isinstance(result.terminal(models[0].name), Finished)


async def test_cancel_one_model_leaves_others_and_closes_its_connection() -> None:
    crawl = ModelScript(reply=" ".join(["word"] * 200), tokens_per_s=20)
    quick = ModelScript(reply="done quickly", ttft_s=0.1)
    models = [
        SimulatedModel(name="crawl", script=crawl),
        SimulatedModel(name="quick", kind="anthropic", script=quick),
    ]
    async with Simulator({"crawl": crawl, "quick": quick}) as sim:
        async with Runner(sim_config(sim, models), {}) as runner:
            fan_out = runner.start(REQUEST, ["crawl", "quick"])
            ends: dict[str, object] = {}
            cancel_at = None
            latency = None
            async for event in fan_out:
                if isinstance(event, TextDelta) and event.model == "crawl" and cancel_at is None:
                    cancel_at = time.monotonic()
                    assert fan_out.cancel("crawl")
                if is_terminal(event):
                    ends[event.model] = event
                    if event.model == "crawl":
                        assert cancel_at is not None
                        latency = time.monotonic() - cancel_at
        cancelled = ends["crawl"]
        assert isinstance(cancelled, Cancelled)
        assert cancelled.partial_text.startswith("word")
        assert latency is not None and latency < 1.0
        assert isinstance(ends["quick"], Finished)
        await sim.wait_idle()
        [request] = sim.requests_for("crawl")
        assert request.client_disconnected


async def test_cancel_all_and_leaving_the_loop_cancel_everything() -> None:
    hang = ModelScript(reply="never", ttft_s=30)
    models = [
        SimulatedModel(name=f"h{i}", kind=k, script=hang)
        for i, k in enumerate(["openai", "anthropic", "gemini"])
    ]
    async with Simulator({m.name: m.script for m in models}) as sim:
        async with Runner(sim_config(sim, models), {}) as runner:
            fan_out = runner.start(REQUEST, [m.name for m in models])
            started = 0
            began = None
            terminal = []
            async for event in fan_out:
                if isinstance(event, Started):
                    started += 1
                    if started == 3:
                        began = time.monotonic()
                        fan_out.cancel_all()
                if is_terminal(event):
                    terminal.append(event)
            assert began is not None and time.monotonic() - began < 1.0
            assert all(isinstance(e, Cancelled) for e in terminal) and len(terminal) == 3

            async for event in runner.run(REQUEST, [m.name for m in models]):
                if isinstance(event, Started):
                    break
        await asyncio.wait_for(sim.wait_idle(), 2)
        assert sim.recorder.active == 0
        assert all(r.client_disconnected for r in sim.requests)


async def test_cancelling_a_finished_model_is_harmless() -> None:
    models = [SimulatedModel(name="m", script=ModelScript(reply="x"))]
    async with (
        Simulator({"m": models[0].script}) as sim,
        Runner(sim_config(sim, models), {}) as runner,
    ):
        fan_out = runner.start(REQUEST, ["m"])
        events = [event async for event in fan_out]
        assert isinstance(events[-1], Finished)
        assert fan_out.cancel("m") is False
