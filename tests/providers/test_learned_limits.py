"""Rate limits learned from response headers over loopback: both header formats recorded per
provider and key (owner-only, no key in the file), pacing by learned limits, and the 429 whose
request alone is larger than the limit (never retried)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from providers_support import REQUEST, RecordingSleep, run_models, sim_config

from fiedler_tui.core.providers.errors import ErrorCode
from fiedler_tui.core.ratelimits import (
    LearnedLimitsStore,
    ObservedLimits,
    describe_learned,
    key_fingerprint,
    parse_limit_headers,
)
from fiedler_tui.core.runner import Finished, Runner, Started
from fiedler_tui.core.runner.limits import request_input_estimate, request_token_estimate
from fiedler_tui.core.simulator import ModelScript, SimulatedModel, Simulator

KEY = "sk-test-learned-limits-0123456789abcdef"


def keyed(name: str) -> dict[str, dict[str, object]]:
    return {name: {"requires_key": True, "key_env": ["SIM_KEY"]}}


async def test_openai_headers_are_learned_and_stored_owner_only_without_the_key(
    tmp_path: Path,
) -> None:
    model = SimulatedModel(
        name="gpt-sim",
        script=ModelScript(reply="ok", tokens_per_minute=30_000, requests_per_minute=500),
    )
    path = tmp_path / "state" / "rate-limits.json"
    async with Simulator({"gpt-sim": model.script}) as sim:
        config = sim_config(sim, [model], keyed("sim-openai"))
        store = LearnedLimitsStore(path)
        async with Runner(config, {"sim-openai": KEY}, learned_limits=store) as runner:
            result = await run_models(runner, ["gpt-sim"])
        result.finished("gpt-sim")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert KEY not in text and KEY[-12:] not in text
    stored = json.loads(text)["providers"]["sim-openai"][key_fingerprint(KEY)]
    charge = request_token_estimate(REQUEST, model.max_completion_tokens)
    assert stored["tokens_per_minute"] == 30_000
    assert stored["requests_per_minute"] == 500
    assert stored["remaining_requests"] == 499
    # the simulator counts about four characters per token, as the estimate does
    assert abs(stored["remaining_tokens"] - (30_000 - charge)) <= 2
    learned = LearnedLimitsStore(path).load().latest("sim-openai", KEY)
    assert learned is not None
    assert describe_learned(learned, learned.seen_at + 180) == (
        "learned 3 min ago: 30,000 tokens/min, 500 requests/min"
    )


async def test_anthropic_headers_are_learned_as_input_token_limits(tmp_path: Path) -> None:
    model = SimulatedModel(
        name="claude-sim",
        kind="anthropic",
        script=ModelScript(reply="ok", tokens_per_minute=80_000, requests_per_minute=1000),
    )
    path = tmp_path / "rate-limits.json"
    async with Simulator({"claude-sim": model.script}) as sim:
        config = sim_config(sim, [model], keyed("sim-anthropic"))
        async with Runner(
            config, {"sim-anthropic": KEY}, learned_limits=LearnedLimitsStore(path)
        ) as runner:
            result = await run_models(runner, ["claude-sim"])
        result.finished("claude-sim")
    assert KEY not in path.read_text()
    learned = LearnedLimitsStore(path).load().latest("sim-anthropic", KEY)
    assert learned is not None
    assert learned.input_tokens_per_minute == 80_000
    assert learned.output_tokens_per_minute == 16_000
    assert learned.requests_per_minute == 1000
    assert learned.tokens_per_minute is None  # input only: the completion limit is not counted
    assert learned.remaining_requests == 999
    assert learned.remaining_tokens is not None
    assert abs(learned.remaining_tokens - (80_000 - request_input_estimate(REQUEST))) <= 2
    assert LearnedLimitsStore(path).load().latest("sim-anthropic", "another key") is None


def test_headers_parse_in_both_formats_and_ignore_garbage() -> None:
    openai = parse_limit_headers(
        {
            "x-ratelimit-limit-requests": "60",
            "x-ratelimit-limit-tokens": "150000",
            "x-ratelimit-remaining-requests": "59",
            "x-ratelimit-remaining-tokens": "149984",
            "x-ratelimit-reset-tokens": "6m0s",
        },
        now=100.0,
    )
    assert openai == ObservedLimits(
        requests_per_minute=60,
        tokens_per_minute=150_000,
        remaining_requests=59,
        remaining_tokens=149_984,
        seen_at=100.0,
    )
    anthropic = parse_limit_headers(
        {
            "anthropic-ratelimit-input-tokens-limit": "80000",
            "anthropic-ratelimit-input-tokens-remaining": "80000",
            "anthropic-ratelimit-output-tokens-limit": "16000",
            "anthropic-ratelimit-requests-limit": "1000",
            "anthropic-ratelimit-tokens-limit": "96000",
        },
        now=5.0,
    )
    assert anthropic is not None
    assert (anthropic.input_tokens_per_minute, anthropic.output_tokens_per_minute) == (
        80_000,
        16_000,
    )
    assert parse_limit_headers({"content-type": "text/event-stream"}, 0.0) is None
    assert parse_limit_headers({"x-ratelimit-limit-tokens": "lots"}, 0.0) is None
    assert parse_limit_headers({"x-ratelimit-limit-tokens": "٣٠"}, 0.0) is None


async def test_a_corrupt_store_is_an_empty_one_and_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "rate-limits.json"
    path.write_text("{not json")
    store = LearnedLimitsStore(path).load()
    assert store.entries() == []
    store.record("p", None, ObservedLimits(requests_per_minute=5, seen_at=1.0))
    store.save()
    assert LearnedLimitsStore(path).load().latest("p") == ObservedLimits(
        requests_per_minute=5, seen_at=1.0
    )


async def test_the_runner_paces_by_a_learned_token_limit_when_the_config_sets_none(
    tmp_path: Path,
) -> None:
    models = [
        SimulatedModel(name=f"m{i}", provider="metered", script=ModelScript(reply="x"))
        for i in range(3)
    ]
    per_request = request_token_estimate(REQUEST, models[0].max_completion_tokens)
    path = tmp_path / "rate-limits.json"
    seeded = LearnedLimitsStore(path)
    seeded.record(
        "metered",
        KEY,
        ObservedLimits(tokens_per_minute=2 * per_request + per_request // 2, seen_at=1.0),
    )
    seeded.save()
    async with Simulator({m.name: m.script for m in models}) as sim:
        config = sim_config(sim, models, keyed("metered"))
        assert config.providers["metered"].tokens_per_minute is None
        store = LearnedLimitsStore(path)
        async with Runner(config, {"metered": KEY}, learned_limits=store) as runner:
            fan_out = runner.start(REQUEST, [m.name for m in models])
            finished: list[str] = []
            started: list[str] = []
            async with fan_out:
                async for event in fan_out:
                    if isinstance(event, Started):
                        started.append(event.model)
                    if isinstance(event, Finished):
                        finished.append(event.model)
                    if len(finished) == 2:
                        break
            # two requests used the learned minute's allowance; the third never started
            assert len(sim.requests) == 2
            assert len(started) == 2


async def test_a_configured_limit_wins_over_a_learned_one(tmp_path: Path) -> None:
    models = [
        SimulatedModel(name=f"m{i}", provider="metered", script=ModelScript(reply="x"))
        for i in range(3)
    ]
    store = LearnedLimitsStore(tmp_path / "rate-limits.json")
    store.record("metered", None, ObservedLimits(tokens_per_minute=10, requests_per_minute=1))
    async with Simulator({m.name: m.script for m in models}) as sim:
        config = sim_config(
            sim,
            models,
            {"metered": {"tokens_per_minute": 10_000_000, "requests_per_minute": 1000}},
        )
        async with Runner(config, {}, learned_limits=store) as runner:
            result = await run_models(runner, [m.name for m in models])
    assert all(isinstance(result.terminal(m.name), Finished) for m in models)
    assert len(sim.requests) == 3


async def test_a_limit_learned_from_the_first_response_paces_the_next_requests(
    tmp_path: Path,
) -> None:
    per_request = request_token_estimate(REQUEST, 4096)
    script = ModelScript(reply="x", tokens_per_minute=per_request + per_request // 2)
    models = [SimulatedModel(name="first", provider="p", script=script)] + [
        SimulatedModel(name=f"later{i}", provider="p", script=script) for i in range(2)
    ]
    async with Simulator({m.name: m.script for m in models}) as sim:
        config = sim_config(sim, models)
        async with Runner(config, {}, learned_limits=None) as runner:
            (await run_models(runner, ["first"])).finished("first")
            fan_out = runner.start(REQUEST, ["later0", "later1"])
            async with fan_out:
                async for event in fan_out:
                    if isinstance(event, Finished):
                        break
            # the limiter learned from the first answer let only one more request go this minute
            assert [r.model for r in sim.requests].count("later0") + [
                r.model for r in sim.requests
            ].count("later1") == 1


async def test_openai_request_too_large_429_is_not_retried_and_says_why() -> None:
    model = SimulatedModel(name="gpt-sim", script=ModelScript(reply="ok", tokens_per_minute=100))
    sleep = RecordingSleep()
    async with Simulator({"gpt-sim": model.script}) as sim:
        async with Runner(sim_config(sim, [model]), {}, sleep=sleep) as runner:
            result = await run_models(runner, ["gpt-sim"])
        assert len(sim.requests) == 1
    error = result.failed("gpt-sim").error
    assert error.code is ErrorCode.REQUEST_TOO_LARGE
    assert error.retry_count == 0 and sleep.delays == []
    assert "Limit 100, Requested" in error.message
    assert "can never be accepted at this limit" in error.message


async def test_anthropic_input_limit_429_for_a_request_above_it_is_not_retried() -> None:
    model = SimulatedModel(
        name="claude-sim", kind="anthropic", script=ModelScript(reply="ok", tokens_per_minute=5)
    )
    sleep = RecordingSleep()
    async with Simulator({"claude-sim": model.script}) as sim:
        async with Runner(sim_config(sim, [model]), {}, sleep=sleep) as runner:
            result = await run_models(runner, ["claude-sim"])
        assert len(sim.requests) == 1
    error = result.failed("claude-sim").error
    assert error.code is ErrorCode.REQUEST_TOO_LARGE
    assert error.retry_count == 0 and sleep.delays == []
    assert "rate limit of 5 input tokens per minute" in error.message
    assert "can never be accepted at this limit" in error.message


async def test_the_runner_paces_by_a_learned_request_limit(tmp_path: Path) -> None:
    models = [
        SimulatedModel(name=f"m{i}", provider="metered", script=ModelScript(reply="x"))
        for i in range(3)
    ]
    store = LearnedLimitsStore(tmp_path / "rate-limits.json")
    store.record("metered", None, ObservedLimits(requests_per_minute=2, seen_at=1.0))
    async with Simulator({m.name: m.script for m in models}) as sim:
        config = sim_config(sim, models, {"metered": {"max_concurrency": 3}})
        async with Runner(config, {}, learned_limits=store) as runner:
            fan_out = runner.start(REQUEST, [m.name for m in models])
            finished: list[str] = []
            async with fan_out:
                async for event in fan_out:
                    if isinstance(event, Finished):
                        finished.append(event.model)
                    if len(finished) == 2:
                        break
            assert len(sim.requests) == 2  # the third waits for the learned minute's allowance
