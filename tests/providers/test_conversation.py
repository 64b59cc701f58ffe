"""Multi-turn conversations on the wire, the stable prefix and cached-token usage, over loopback.

Each adapter's body is checked as the simulator received it, in all three wire formats; the
simulator caches prefixes as the providers do (automatically for OpenAI and Gemini, at the
``cache_control`` breakpoint for Anthropic), so cached usage is parsed from real streams.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from providers_support import packaged_config_at, run_models, sim_config

from fiedler_tui.core.request import Conversation, ReviewRequest, Turn
from fiedler_tui.core.runner import Cancelled, Failed, Runner, TextDelta, Usage
from fiedler_tui.core.simulator import Fault, ModelScript, SimulatedModel, Simulator
from fiedler_tui.core.simulator.script import count_tokens
from fiedler_tui.tui.widgets.run_pane import PaneState

KEYS: dict[str, str | None] = {
    "openai": "sk-openai-test",
    "anthropic": "sk-ant-test",
    "gemini": "gemini-test-key",
}
MODELS = ["gpt-5", "claude-sonnet", "gemini-2.5-pro"]
PACKAGE = (
    "FIEDLER-PACKAGE v1 files=1\n"
    + 'FILE "big.py" bytes=6000 lines=300\n'
    + "x = 1 # pad\n" * 500
    + '\nEND FILE "big.py"\n'
)
"""Long enough (system + package >= 4,096 characters, >= 1,024 simulated tokens) to cache."""
SYSTEM = "Be brief."
FOLLOW_UP = (Turn("assistant", "A1: looks fine."), Turn("user", "Q2: and the tests?"))
THREE_TURNS = ReviewRequest(prompt="Q1: any bugs?", package_text=PACKAGE, system=SYSTEM)


async def sent_bodies(
    requests: list[ReviewRequest], models: list[str] = MODELS
) -> tuple[list[dict[str, Any]], list[Any]]:
    """Send each request in turn to every model; the bodies received and each run's result."""
    async with Simulator({}, default_script=ModelScript(reply="fine")) as sim:
        config = packaged_config_at(sim)
        results = []
        async with Runner(config, KEYS) as runner:
            for request in requests:
                results.append(await run_models(runner, models, request))
        bodies: list[dict[str, Any]] = []
        for index in range(len(requests)):
            bodies.append(
                {
                    name: sim.requests_for(config.resolve(name).wire_id)[index].body
                    for name in models
                }
            )
        return bodies, results


async def test_a_three_turn_conversation_in_each_wire_format() -> None:
    request = ReviewRequest(
        prompt="Q1: any bugs?", package_text=PACKAGE, system=SYSTEM, follow_up=FOLLOW_UP
    )
    [bodies], _ = await sent_bodies([request])
    first = PACKAGE + "REQUEST\nQ1: any bugs?"
    assert bodies["gpt-5"]["messages"] == [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": first},
        {"role": "assistant", "content": "A1: looks fine."},
        {"role": "user", "content": "Q2: and the tests?"},
    ]
    claude = bodies["claude-sonnet"]
    assert claude["system"] == SYSTEM
    assert claude["messages"] == [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": PACKAGE, "cache_control": {"type": "ephemeral"}},
                {"type": "text", "text": "REQUEST\nQ1: any bugs?"},
            ],
        },
        {"role": "assistant", "content": "A1: looks fine."},
        {"role": "user", "content": "Q2: and the tests?"},
    ]
    gemini = bodies["gemini-2.5-pro"]
    assert gemini["systemInstruction"] == {"parts": [{"text": SYSTEM}]}
    assert gemini["contents"] == [
        {"role": "user", "parts": [{"text": first}]},
        {"role": "model", "parts": [{"text": "A1: looks fine."}]},
        {"role": "user", "parts": [{"text": "Q2: and the tests?"}]},
    ]


async def test_a_short_package_is_not_marked_for_caching_and_an_empty_system_is_left_out() -> None:
    request = ReviewRequest(prompt="Q", package_text="=== a.py ===\nx = 1\n", system="")
    [bodies], _ = await sent_bodies([request])
    assert bodies["claude-sonnet"]["messages"][0]["content"] == [
        {"type": "text", "text": "=== a.py ===\nx = 1\n"},
        {"type": "text", "text": "REQUEST\nQ"},
    ]
    assert "system" not in bodies["claude-sonnet"]
    assert bodies["gpt-5"]["messages"][0] == {
        "role": "user",
        "content": "=== a.py ===\nx = 1\nREQUEST\nQ",
    }
    assert "systemInstruction" not in bodies["gemini-2.5-pro"]


def _prefix_json(body: dict[str, Any], name: str) -> str:
    """The serialised stable part of a body: everything before the question."""
    if name == "claude-sonnet":
        return json.dumps([body["system"], body["messages"][0]["content"][0]])
    if name == "gpt-5":
        system, user = body["messages"][:2]
        return json.dumps([system, user["content"][: len(PACKAGE)]])
    return json.dumps(
        [body["systemInstruction"], body["contents"][0]["parts"][0]["text"][: len(PACKAGE)]]
    )


async def test_the_stable_prefix_is_byte_identical_and_cached_on_the_next_round() -> None:
    second = ReviewRequest(
        prompt="Q1: any bugs?", package_text=PACKAGE, system=SYSTEM, follow_up=FOLLOW_UP
    )
    bodies, results = await sent_bodies([THREE_TURNS, second])
    for name in MODELS:
        assert _prefix_json(bodies[0][name], name) == _prefix_json(bodies[1][name], name)
    stable = count_tokens(SYSTEM + PACKAGE)
    claude_first = results[0].finished("claude-sonnet").usage
    claude_second = results[1].finished("claude-sonnet").usage
    assert claude_first.cache_write_tokens == stable and not claude_first.cached_input_tokens
    assert claude_second.cached_input_tokens == stable and not claude_second.cache_write_tokens
    # input is the whole prompt (Anthropic's input_tokens plus its cache counts)
    whole = count_tokens(
        SYSTEM + PACKAGE + "REQUEST\nQ1: any bugs?" + "".join(t.text for t in FOLLOW_UP)
    )
    assert claude_second.input_tokens == whole
    for name in ("gpt-5", "gemini-2.5-pro"):
        first = results[0].finished(name).usage
        later = results[1].finished(name).usage
        assert not first.cached_input_tokens, name
        shared = count_tokens(SYSTEM + PACKAGE + "REQUEST\nQ1: any bugs?")
        assert later.cached_input_tokens == shared, name
        assert later.input_tokens is not None and later.input_tokens > shared
        assert later.cache_write_tokens is None
        usage_events = results[1].of_type(name, Usage)
        assert usage_events[-1].cached_input_tokens == shared


def test_a_conversation_alternates_and_ends_with_the_user() -> None:
    with pytest.raises(ValueError, match="turn 2 must be a assistant"):
        ReviewRequest(prompt="q", follow_up=(Turn("user", "again"),))
    with pytest.raises(ValueError, match="must end with a user turn"):
        ReviewRequest(prompt="q", follow_up=(Turn("assistant", "a"),))
    with pytest.raises(ValueError, match="at least one turn"):
        Conversation("s", "", ())
    conversation = THREE_TURNS.conversation
    assert conversation.parts(0) == (PACKAGE, "REQUEST\nQ1: any bugs?")
    assert conversation.content(0) == THREE_TURNS.user_message


async def test_a_cancelled_anthropic_stream_records_estimated_output_not_the_placeholder() -> None:
    crawl = ModelScript(reply=" ".join(["word"] * 400), tokens_per_s=40)
    models = [SimulatedModel(name="claude", kind="anthropic", script=crawl)]
    async with Simulator({"claude": crawl}) as sim, Runner(sim_config(sim, models), {}) as runner:
        fan_out = runner.start(THREE_TURNS, ["claude"])
        events = []
        received = ""
        async for event in fan_out:
            events.append(event)
            if isinstance(event, TextDelta):
                received += event.text
                if len(received) >= 40:
                    fan_out.cancel("claude")
    [cancelled] = [e for e in events if isinstance(e, Cancelled)]
    assert cancelled.partial_text == received and len(received) >= 40
    usage = cancelled.usage
    assert usage.output_estimated
    assert usage.output_tokens == -(-len(received) // 4)
    assert usage.input_tokens == count_tokens(SYSTEM + PACKAGE + "REQUEST\nQ1: any bugs?")
    # message_start's placeholder `output_tokens: 1` never reaches the events, nor the pane
    assert all(e.output_tokens is None for e in events if isinstance(e, Usage))
    pane = PaneState(alias="claude")
    shown = []
    for event in events:
        pane.apply(event, now=0.0)
        shown.append(pane.tokens())
    assert (1, False) not in shown
    assert shown[-1] == (usage.output_tokens, True)
    assert f"~{usage.output_tokens:,} tok (est.)" in pane.stats_text(now=0.0)


async def test_a_stream_cut_after_text_records_estimated_output() -> None:
    cut = ModelScript(reply="alpha beta gamma delta " * 10, faults=(Fault.reset(after_tokens=6),))
    models = [SimulatedModel(name="claude", kind="anthropic", script=cut)]
    provider = {"sim-anthropic": {"max_retries": 0}}
    async with (
        Simulator({"claude": cut}) as sim,
        Runner(sim_config(sim, models, provider), {}) as runner,
    ):
        result = await run_models(runner, ["claude"], THREE_TURNS)
    failed = result.terminal("claude")
    assert isinstance(failed, Failed) and failed.partial_text
    assert failed.usage.output_estimated
    assert failed.usage.output_tokens == -(-len(failed.partial_text) // 4)


async def test_a_finished_stream_reports_output_as_the_provider_counted_it() -> None:
    _, [result] = await sent_bodies([THREE_TURNS])
    for name in MODELS:
        usage = result.finished(name).usage
        assert usage.output_tokens == 1 and not usage.output_estimated, name
