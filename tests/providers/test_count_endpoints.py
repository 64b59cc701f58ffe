"""Count endpoints over loopback: Anthropic count_tokens, Gemini countTokens, llama.cpp and vLLM
tokenize, their failures and timeouts, the cache, and which models are asked at all."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest
from providers_support import REQUEST, run_models, sim_config

from fiedler_tui.core.config.schema import Config, ModelSpec
from fiedler_tui.core.request import ReviewRequest, Turn
from fiedler_tui.core.runner import Runner
from fiedler_tui.core.simulator import Fault, FaultKind, ModelScript, SimulatedModel, Simulator
from fiedler_tui.core.tokens.api_count import ProviderCounter, counts_by_api

CLAUDE = SimulatedModel(name="claude-sim", kind="anthropic")
GEMINI = SimulatedModel(name="gemini-sim", kind="gemini")
LOCAL = SimulatedModel(name="local-sim", kind="openai-compatible")
OPENAI = SimulatedModel(name="gpt-sim", kind="openai")
FOLLOW_UP = ReviewRequest(
    prompt="Review these files.",
    package_text="=== a.py ===\nprint(1)\n" * 40,
    follow_up=(Turn("assistant", "It prints one, forty times."), Turn("user", "Why forty?")),
)


def scripted(models: Sequence[SimulatedModel]) -> dict[str, ModelScript]:
    return {m.model_id: m.script for m in models}


async def count(
    counter: ProviderCounter, config: Config, names: Sequence[str], request: ReviewRequest
) -> dict[str, int | str]:
    models: list[ModelSpec] = [config.models[n] for n in names]
    return await asyncio.to_thread(counter.count_many, models, request)


@pytest.mark.parametrize("request_", [REQUEST, FOLLOW_UP], ids=["one-turn", "follow-up"])
async def test_each_count_endpoint_counts_exactly_what_the_send_reports(
    request_: ReviewRequest,
) -> None:
    models = [CLAUDE, GEMINI, LOCAL]
    async with Simulator(scripted(models)) as sim:
        config = sim_config(sim, models, {"sim-anthropic": {"count": "api"}})
        config = config.model_copy(
            update={
                "models": {
                    **config.models,
                    "gemini-sim": config.models["gemini-sim"].model_copy(update={"count": "api"}),
                }
            }
        )
        with ProviderCounter(config, {}) as counter:
            counts = await count(counter, config, [m.name for m in models], request_)
        async with Runner(config, {}) as runner:
            sent = await run_models(runner, [m.name for m in models], request_)
        paths = sorted(r.path for r in sim.requests if r.method == "POST")
    for model in models:
        reported = sent.finished(model.name).usage.input_tokens
        assert counts[model.name] == reported, (model.name, counts, reported)
    assert any(p.endswith("/v1/messages/count_tokens") for p in paths)
    assert any(p.endswith("/models/gemini-sim:countTokens") for p in paths)
    assert any(p.endswith("/apply-template") for p in paths)
    assert any(p.endswith("/tokenize") for p in paths)


async def test_count_bodies_are_the_send_bodies_without_send_only_fields() -> None:
    models = [CLAUDE, GEMINI]
    async with Simulator(scripted(models)) as sim:
        config = sim_config(sim, models)
        with ProviderCounter(config, {}, opted_in={"all"}) as counter:
            await count(counter, config, ["claude-sim", "gemini-sim"], REQUEST)
        async with Runner(config, {}) as runner:
            await run_models(runner, ["claude-sim", "gemini-sim"])
        anthropic = [r.body for r in sim.requests if r.dialect == "anthropic"]
        gemini = [r.body for r in sim.requests if r.dialect == "gemini"]
    counted, sent = anthropic
    assert set(sent) - set(counted) == {"max_tokens", "stream"}
    assert counted["messages"] == sent["messages"] and counted["system"] == sent["system"]
    counted, sent = gemini
    inner = counted["generateContentRequest"]
    assert inner["model"] == "models/gemini-sim"
    assert inner["contents"] == sent["contents"]
    assert inner["systemInstruction"] == sent["systemInstruction"]
    assert "generationConfig" not in inner


async def test_vllm_tokenize_is_used_when_there_is_no_apply_template() -> None:
    async with Simulator(scripted([LOCAL]), tokenize="vllm") as sim:
        config = sim_config(sim, [LOCAL])
        with ProviderCounter(config, {}) as counter:
            counts = await count(counter, config, ["local-sim"], REQUEST)
        async with Runner(config, {}) as runner:
            sent = await run_models(runner, ["local-sim"])
        tokenize = [r for r in sim.requests if r.path.endswith("/tokenize")]
    assert counts["local-sim"] == sent.finished("local-sim").usage.input_tokens
    assert tokenize[0].body["add_generation_prompt"] is True
    assert tokenize[0].body["model"] == "local-sim"


@pytest.mark.parametrize("model", [CLAUDE, GEMINI, LOCAL], ids=lambda m: m.kind)
async def test_a_failed_count_gives_the_reason(model: SimulatedModel) -> None:
    failing = SimulatedModel(
        name=model.name,
        kind=model.kind,
        script=ModelScript(count_fault=Fault.of(FaultKind.UNAUTHORIZED)),
    )
    async with Simulator(scripted([failing])) as sim:
        config = sim_config(sim, [failing])
        with ProviderCounter(config, {}, opted_in={"all"}) as counter:
            counts = await count(counter, config, [model.name], REQUEST)
    reason = counts[model.name]
    assert isinstance(reason, str)
    status = "400" if model.kind == "gemini" else "401"  # Gemini answers a bad key with 400
    assert reason.startswith(f"count endpoint failed: {status} "), reason


async def test_a_silent_count_endpoint_times_out_with_the_reason() -> None:
    stalled = SimulatedModel(
        name="claude-sim",
        kind="anthropic",
        script=ModelScript(count_fault=Fault.stall(stall_s=None)),
    )
    async with Simulator(scripted([stalled])) as sim:
        config = sim_config(sim, [stalled])
        with ProviderCounter(config, {}, opted_in={"all"}, timeout_s=0.2) as counter:
            counts = await count(counter, config, ["claude-sim"], REQUEST)
    reason = counts["claude-sim"]
    assert isinstance(reason, str) and reason.startswith("count endpoint failed:"), reason
    assert "tim" in reason.lower(), reason


async def test_a_repeated_count_is_served_from_the_cache() -> None:
    async with Simulator(scripted([CLAUDE])) as sim:
        config = sim_config(sim, [CLAUDE])
        with ProviderCounter(config, {}, opted_in={"sim-anthropic"}) as counter:
            first = await count(counter, config, ["claude-sim"], REQUEST)
            second = await count(counter, config, ["claude-sim"], REQUEST)
            changed = await count(
                counter, config, ["claude-sim"], ReviewRequest(prompt="Another question.")
            )
        posts = [r for r in sim.requests if r.path.endswith("/count_tokens")]
    assert first == second
    assert changed != first
    assert len(posts) == 2  # the first and the changed request; the repeat asked nothing


async def test_hosted_providers_are_not_asked_without_opting_in() -> None:
    models = [CLAUDE, GEMINI, OPENAI]
    async with Simulator(scripted(models)) as sim:
        config = sim_config(sim, models)
        with ProviderCounter(config, {}) as counter:
            counts = await count(counter, config, [m.name for m in models], REQUEST)
        asked = len(sim.requests)
        with ProviderCounter(config, {}, opted_in={"all"}) as counter:
            opted = await count(counter, config, [m.name for m in models], REQUEST)
    assert counts == {}
    assert asked == 0
    assert set(opted) == {"claude-sim", "gemini-sim"}  # kind openai counts exactly offline


def test_which_models_count_by_api() -> None:
    from fiedler_tui.core.config.loader import parse_config

    config = parse_config(
        """
providers:
  local: {kind: openai-compatible, base_url: "http://127.0.0.1:8080/v1", requires_key: false}
  remote: {kind: openai-compatible, base_url: "https://example.com/v1"}
  claude: {kind: anthropic, base_url: "https://api.anthropic.com", count: api}
  gem: {kind: gemini, base_url: "https://g.example/v1beta"}
models:
  l: {provider: local, context_window: 8192, max_completion_tokens: 512}
  l-off: {provider: local, context_window: 8192, max_completion_tokens: 512, count: estimate}
  r: {provider: remote, context_window: 8192, max_completion_tokens: 512}
  c: {provider: claude, context_window: 8192, max_completion_tokens: 512}
  g: {provider: gem, context_window: 8192, max_completion_tokens: 512}
""",
        "models.yaml",
    )
    wanted = {n for n, m in config.models.items() if counts_by_api(config, m)}
    assert wanted == {"l", "c"}
    opted = {n for n, m in config.models.items() if counts_by_api(config, m, {"gem"})}
    assert opted == {"l", "c", "g"}
