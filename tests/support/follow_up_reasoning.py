"""The two models the follow-up reasoning tests (CLI and app) send to: an Anthropic model with a
thinking budget and an OpenAI model with reasoning efforts, each with a models.yaml default that
turn 1 is sent something else than."""

from __future__ import annotations

from fiedler_tui.core.simulator.models_yaml import SimulatedModel
from fiedler_tui.core.simulator.script import ModelScript

REPLY = "Both are fine."


def reasoning_models() -> list[SimulatedModel]:
    script = ModelScript(reply=REPLY, thoughts="Check the loop first.")
    return [
        SimulatedModel(
            name="thinker",
            kind="anthropic",
            script=script,
            max_completion_tokens=8192,
            reasoning={
                "thinking_budget_range": [1024, 32000],
                "thinking_optional": True,
                "thinking_budget": 1500,
            },
        ),
        SimulatedModel(
            name="reasoner",
            kind="openai",
            script=script,
            reasoning={"reasoning_efforts": ["low", "medium", "high"], "reasoning_effort": "low"},
        ),
    ]
