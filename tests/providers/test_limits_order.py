"""A provider held back by its own per-minute limit keeps no global slot from the others."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from providers_support import REQUEST, sim_config

from fiedler_tui.core.runner import Finished, RunEvent, Runner, Started
from fiedler_tui.core.runner.limits import request_token_estimate
from fiedler_tui.core.simulator import ModelScript, SimulatedModel, Simulator

QUICK = ModelScript(reply="short answer", ttft_s=0.05)
LIMITED = [
    SimulatedModel(name=f"limited-{i}", kind="openai", provider="limited", script=QUICK)
    for i in (1, 2)
]
OTHER = SimulatedModel(name="other", kind="anthropic", provider="other", script=QUICK)
MODELS = [*LIMITED, OTHER]
PER_REQUEST = request_token_estimate(REQUEST, LIMITED[0].max_completion_tokens)
GIVE_UP_S = 20.0
"""Far below the minute the limited provider's second request waits, far above a quick run."""


@pytest.mark.parametrize(
    "limit",
    [
        {"requests_per_minute": 1},
        {"tokens_per_minute": PER_REQUEST + PER_REQUEST // 2},
    ],
    ids=["requests_per_minute", "tokens_per_minute"],
)
async def test_a_rate_limited_provider_does_not_hold_the_only_global_slot(
    limit: dict[str, Any],
) -> None:
    # One global slot. The limited provider's first request uses the minute's allowance, so its
    # second waits about a minute; the other provider's request must not wait behind it.
    settings = {"limited": {**limit, "max_concurrency": 4}}
    async with Simulator({m.name: m.script for m in MODELS}) as sim:
        async with Runner(sim_config(sim, MODELS, settings), {}, global_limit=1) as runner:
            fan_out = runner.start(REQUEST, [m.name for m in MODELS])
            seen: list[RunEvent] = []
            async with fan_out:
                try:
                    async with asyncio.timeout(GIVE_UP_S):
                        async for event in fan_out:
                            seen.append(event)
                            if isinstance(event, Finished) and event.model == "other":
                                break
                except TimeoutError:
                    pytest.fail(
                        "the other provider's model did not finish while the limited provider "
                        f"waited on its rate limit; events: {[type(e).__name__ for e in seen]}"
                    )
        steps = [(type(e).__name__, e.model) for e in seen if isinstance(e, Started | Finished)]
        assert steps == [
            ("Started", "limited-1"),
            ("Finished", "limited-1"),
            ("Started", "other"),
            ("Finished", "other"),
        ]
        assert sim.requests_for("limited-2") == []
        assert sim.peak_concurrency == 1
