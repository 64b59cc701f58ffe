"""The dry run counts exactly what is sent: the messages the simulator received, encoded by
tiktoken itself, add up to the dry run's input tokens (package first, then the question)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import tiktoken

from fiedler_tui.core.budget import DryRunEngine, DryRunOptions
from fiedler_tui.core.config.schema import ModelSpec
from fiedler_tui.core.request import ReviewRequest, Turn
from fiedler_tui.core.runner import Finished, Runner
from fiedler_tui.core.settings import Settings
from fiedler_tui.core.simulator import ModelScript, SimulatedModel, Simulator, simulated_config
from fiedler_tui.core.tokens import TokenCounter
from fiedler_tui.core.tokens.methods import (
    REPLY_PRIMING,
    TOKENS_PER_MESSAGE,
    conversation_overhead,
    conversation_text_tokens,
)
from tests.dryrun.conftest import write
from tests.dryrun.test_tokens import HOSTILE_TEXTS, tiktoken_own  # noqa: F401 (fixture)


def wire_tokens(own: tiktoken.Encoding, messages: list[dict[str, str]]) -> int:
    text = sum(len(own.encode(m["content"], disallowed_special=())) for m in messages)
    return text + TOKENS_PER_MESSAGE * len(messages) + REPLY_PRIMING


async def sent_messages(request: ReviewRequest) -> list[dict[str, str]]:
    model = SimulatedModel(name="exact", kind="openai", script=ModelScript(reply="ok"))
    async with Simulator({"exact": model.script}) as sim:
        async with Runner(simulated_config(sim.base_url, [model]), {}) as runner:
            ends = [e async for e in runner.run(request, ["exact"]) if isinstance(e, Finished)]
        assert len(ends) == 1
        [recorded] = sim.requests_for("exact")
    messages: list[dict[str, str]] = recorded.body["messages"]
    return messages


async def test_dry_run_input_equals_tiktoken_on_the_messages_received(
    root: Path,
    engine: DryRunEngine,
    make_model: Callable[..., ModelSpec],
    tiktoken_own: Callable[[str], tiktoken.Encoding],  # noqa: F811
) -> None:
    own = tiktoken_own("o200k_base")
    for index, text in enumerate(HOSTILE_TEXTS):
        write(root / f"f{index:02}.txt", text)
    model = make_model(tokenizer="o200k_base")
    for prompt in ("Review this.", "'s  trailing \n\n", " leading space"):
        for system in ("You review code.", ""):
            result = engine.run([root], [model], DryRunOptions(prompt=prompt, system=system))
            messages = await sent_messages(result.request())
            assert messages[-1]["content"].startswith(result.preview.text)
            assert messages[-1]["content"].endswith("REQUEST\n" + prompt)
            (budget,) = result.models
            assert budget.count_method == "exact"
            assert budget.input_tokens == wire_tokens(own, messages), (prompt, system)


async def test_a_three_turn_conversation_is_counted_as_sent(
    settings: Settings,
    tiktoken_own: Callable[[str], tiktoken.Encoding],  # noqa: F811
) -> None:
    own = tiktoken_own("o200k_base")
    request = ReviewRequest(
        prompt="Is it safe?",
        package_text='FIEDLER-PACKAGE v1 files=1\nFILE "a.py" bytes=9 lines=1\nx = "é"\n\n'
        'END FILE "a.py"\n',
        system="Be brief.",
        follow_up=(Turn("assistant", "Mostly.\n\n's"), Turn("user", " What else?")),
    )
    messages = await sent_messages(request)
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    with TokenCounter(settings) as counter:
        conversation = request.conversation
        counted = conversation_text_tokens(
            lambda text: counter.count("o200k_base", text), conversation
        )
        assert counted + conversation_overhead(conversation) == wire_tokens(own, messages)
