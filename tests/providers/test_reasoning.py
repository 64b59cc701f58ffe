"""Reasoning controls on the wire and streamed thinking, over loopback against the simulator.

Bodies: ``reasoning_effort`` (OpenAI), ``thinking`` (Anthropic, no temperature with it),
``generationConfig.thinkingConfig`` (Gemini), from the packaged models.yaml and a send's
overrides. Streams: Anthropic ``thinking_delta`` (and its signature), Gemini ``thought`` parts,
``reasoning_content`` of OpenAI-compatible servers, each as ThinkingDelta events apart from
the answer, with reasoning tokens parsed from usage.
"""

from __future__ import annotations

import json
from typing import Any

from providers_support import packaged_requests, run_models, sim_config

from fiedler_tui.core.config.reasoning import ReasoningChoice
from fiedler_tui.core.providers.anthropic import AnthropicParser
from fiedler_tui.core.providers.base import StreamPart
from fiedler_tui.core.providers.openai import OpenAIChatParser
from fiedler_tui.core.providers.sse import ServerSentEvent
from fiedler_tui.core.request import ReviewRequest
from fiedler_tui.core.runner import Runner, TextDelta, ThinkingDelta
from fiedler_tui.core.simulator import Fault, FaultKind, ModelScript, Simulator
from fiedler_tui.core.simulator.models_yaml import SimulatedModel

KEYS: dict[str, str | None] = {
    "openai": "sk-openai-test",
    "anthropic": "sk-ant-test",
    "gemini": "gemini-test-key",
    "xai": "xai-test",
}
THOUGHTS = "First read the loop, then check the timeouts."
REPLY = "The loop is fine."


async def bodies(request: ReviewRequest, models: list[str]) -> dict[str, dict[str, Any]]:
    """What each model of the packaged models.yaml was sent for ``request``."""
    sent = await packaged_requests(request, models, KEYS)
    return {name: recorded.body for name, recorded in sent.items()}


async def test_a_send_overrides_reach_each_wire_format_where_the_model_takes_them() -> None:
    request = ReviewRequest(
        prompt="p",
        system="s",
        temperature=0.3,
        reasoning=ReasoningChoice(effort="high", thinking_budget=2048),
    )
    got = await bodies(request, ["gpt-5", "gpt-4.1", "claude-sonnet", "gemini-2.5-flash"])
    assert got["gpt-5"]["reasoning_effort"] == "high"
    assert "reasoning_effort" not in got["gpt-4.1"]  # takes none
    assert got["gpt-4.1"]["temperature"] == 0.3
    claude = got["claude-sonnet"]
    assert claude["thinking"] == {"type": "enabled", "budget_tokens": 2048}
    assert claude["max_tokens"] == 16000  # the reserve covers thinking and answer
    assert "temperature" not in claude  # Anthropic refuses any but 1 with thinking
    assert "reasoning_effort" not in claude
    config = got["gemini-2.5-flash"]["generationConfig"]
    assert config["thinkingConfig"] == {"thinkingBudget": 2048, "includeThoughts": True}
    assert config["maxOutputTokens"] == 16384


async def test_defaults_come_from_models_yaml_and_zero_turns_thinking_off() -> None:
    got = await bodies(ReviewRequest(prompt="p", temperature=0.5), ["claude-sonnet", "o3"])
    assert "thinking" not in got["claude-sonnet"]  # opt-in: off by default
    assert got["claude-sonnet"]["temperature"] == 0.5
    assert got["o3"]["reasoning_effort"] == "medium"
    off = ReviewRequest(prompt="p", temperature=0.5, reasoning=ReasoningChoice(thinking_budget=0))
    got = await bodies(off, ["claude-sonnet", "gemini-2.5-flash"])
    assert "thinking" not in got["claude-sonnet"]
    assert got["claude-sonnet"]["temperature"] == 0.5
    # Gemini Flash takes 0 (its range starts there): thinking off, no summaries asked for
    assert got["gemini-2.5-flash"]["generationConfig"]["thinkingConfig"] == {"thinkingBudget": 0}


def thinking_models(**extra: Any) -> list[SimulatedModel]:
    script = ModelScript(reply=REPLY, thoughts=THOUGHTS)
    return [
        SimulatedModel(name="local", kind="openai-compatible", script=script, **extra),
        SimulatedModel(
            name="claude",
            kind="anthropic",
            script=script,
            reasoning={
                "thinking_budget_range": [1024, 32000],
                "thinking_optional": True,
                "thinking_budget": 2048,
            },
            **extra,
        ),
        SimulatedModel(
            name="gemini",
            kind="gemini",
            script=script,
            reasoning={"thinking_budget_range": [128, 32768], "include_thoughts": True},
            **extra,
        ),
    ]


async def test_thinking_streams_apart_from_the_answer_in_every_format() -> None:
    models = thinking_models()
    scripts = {m.name: m.script for m in models}
    async with Simulator(scripts) as sim, Runner(sim_config(sim, models), {}) as runner:
        result = await run_models(runner, ["local", "claude", "gemini"])
    thought_words = len(THOUGHTS.split())
    reply_words = len(REPLY.split())
    for name in ("local", "claude", "gemini"):
        finished = result.finished(name)
        thinking = "".join(e.text for e in result.of_type(name, ThinkingDelta))
        answer = "".join(e.text for e in result.of_type(name, TextDelta))
        assert thinking == THOUGHTS, name
        assert answer == REPLY and finished.text == REPLY, name
        assert finished.thinking == THOUGHTS, name
        assert finished.usage.output_tokens == reply_words + thought_words, name
        events = result.by_model[name]
        first_thought = next(i for i, e in enumerate(events) if isinstance(e, ThinkingDelta))
        first_text = next(i for i, e in enumerate(events) if isinstance(e, TextDelta))
        assert first_thought < first_text, name
    # OpenAI-style usage and Gemini report the reasoning part; Anthropic counts it in output
    assert result.finished("local").usage.reasoning_tokens == thought_words
    assert result.finished("gemini").usage.reasoning_tokens == thought_words
    assert result.finished("claude").usage.reasoning_tokens is None


async def test_no_thinking_is_streamed_unless_the_request_asks_for_it() -> None:
    models = [
        SimulatedModel(
            name="claude",
            kind="anthropic",
            script=ModelScript(reply=REPLY, thoughts=THOUGHTS),
            reasoning={"thinking_budget_range": [1024, 32000], "thinking_optional": True},
        ),
        SimulatedModel(
            name="gemini",
            kind="gemini",
            script=ModelScript(reply=REPLY, thoughts=THOUGHTS),
            reasoning={"thinking_budget_range": [128, 32768]},
        ),
    ]
    async with Simulator({m.name: m.script for m in models}) as sim:
        async with Runner(sim_config(sim, models), {}) as runner:
            result = await run_models(runner, ["claude", "gemini"])
        assert "thinking" not in sim.requests_for("claude")[0].body
        assert "generationConfig" in sim.requests_for("gemini")[0].body
        assert "thinkingConfig" not in sim.requests_for("gemini")[0].body["generationConfig"]
    for name in ("claude", "gemini"):
        assert result.of_type(name, ThinkingDelta) == []
        assert result.finished(name).text == REPLY
        assert result.finished(name).thinking == ""
    # Gemini thinks (and bills it) without showing it
    assert result.finished("gemini").usage.reasoning_tokens == len(THOUGHTS.split())


def test_ollama_reasoning_field_and_openai_reasoning_tokens_are_parsed() -> None:
    parser = OpenAIChatParser("p", None, ())

    def chunk(delta: dict[str, Any] | None = None, **extra: Any) -> ServerSentEvent:
        choices = [{"index": 0, "delta": delta, "finish_reason": None}] if delta else []
        return ServerSentEvent(json.dumps({"choices": choices, **extra}))

    assert parser.feed(chunk({"role": "assistant", "content": "", "reasoning": "hm"})) == [
        StreamPart(thinking="hm")
    ]
    assert parser.feed(chunk({"content": "ok"})) == [StreamPart(text="ok")]
    usage = {
        "prompt_tokens": 5,
        "completion_tokens": 40,
        "completion_tokens_details": {"reasoning_tokens": 32},
    }
    assert parser.feed(chunk(usage=usage)) == [
        StreamPart(input_tokens=5, output_tokens=40, reasoning_tokens=32)
    ]


def test_anthropic_signature_delta_adds_nothing_to_thinking_or_answer() -> None:
    parser = AnthropicParser("p", None, ())

    def delta(payload: dict[str, Any]) -> ServerSentEvent:
        event = {"type": "content_block_delta", "index": 0, "delta": payload}
        return ServerSentEvent(json.dumps(event), event="content_block_delta")

    assert parser.feed(delta({"type": "thinking_delta", "thinking": "a"})) == [
        StreamPart(thinking="a")
    ]
    assert parser.feed(delta({"type": "signature_delta", "signature": "EqQB"})) == []
    assert parser.feed(delta({"type": "text_delta", "text": "b"})) == [StreamPart(text="b")]


async def test_a_failure_after_thinking_began_is_not_retried_and_keeps_the_thinking() -> None:
    script = ModelScript(
        reply=REPLY,
        thoughts=THOUGHTS,
        faults=(Fault.of(FaultKind.STREAM_ERROR, after_tokens=0),),
    )
    models = [SimulatedModel(name="local", kind="openai-compatible", script=script)]
    async with Simulator({"local": script}) as sim, Runner(sim_config(sim, models), {}) as runner:
        result = await run_models(runner, ["local"])
        assert len(sim.requests_for("local")) == 1  # thinking already shown: never repeated
    failed = result.failed("local")
    assert failed.thinking == THOUGHTS and failed.partial_text == ""
    assert "".join(e.text for e in result.of_type("local", ThinkingDelta)) == THOUGHTS
