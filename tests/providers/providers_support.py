"""Helpers shared by the provider-core tests: simulated configs, runs, a recording sleep."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fiedler_tui.core.config.loader import packaged_config_text, parse_config
from fiedler_tui.core.config.schema import Config
from fiedler_tui.core.request import ReviewRequest
from fiedler_tui.core.runner import (
    Cancelled,
    Failed,
    Finished,
    RunEvent,
    Runner,
    TerminalEvent,
)
from fiedler_tui.core.simulator import (
    ModelScript,
    RecordedRequest,
    SimulatedModel,
    Simulator,
    simulated_config,
)

KINDS = ("openai", "anthropic", "gemini")
REQUEST = ReviewRequest(prompt="Review these files.", package_text="=== a.py ===\nprint(1)\n")


@dataclass
class RecordingSleep:
    """Stands in for asyncio.sleep: records each requested delay, waits for nothing."""

    delays: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        await asyncio.sleep(0)


@dataclass
class RunResult:
    events: list[RunEvent]
    by_model: dict[str, list[RunEvent]]

    def terminal(self, model: str) -> TerminalEvent:
        ends = [e for e in self.by_model[model] if isinstance(e, Finished | Failed | Cancelled)]
        assert len(ends) == 1, ends
        return ends[0]

    def finished(self, model: str) -> Finished:
        end = self.terminal(model)
        assert isinstance(end, Finished), end
        return end

    def failed(self, model: str) -> Failed:
        end = self.terminal(model)
        assert isinstance(end, Failed), end
        return end

    def of_type(self, model: str, kind: type[Any]) -> list[Any]:
        return [e for e in self.by_model[model] if isinstance(e, kind)]


async def run_models(
    runner: Runner, models: Sequence[str], request: ReviewRequest = REQUEST
) -> RunResult:
    events: list[RunEvent] = []
    by_model: dict[str, list[RunEvent]] = defaultdict(list)
    async for event in runner.run(request, models):
        events.append(event)
        by_model[event.model].append(event)
    return RunResult(events, dict(by_model))


def sim_config(
    sim: Simulator,
    models: Sequence[SimulatedModel],
    provider_settings: Mapping[str, Mapping[str, Any]] | None = None,
) -> Config:
    return simulated_config(sim.base_url, models, provider_settings=provider_settings)


def packaged_config_at(sim: Simulator) -> Config:
    """The packaged models.yaml with every provider's base_url pointed at the simulator."""
    config = parse_config(packaged_config_text(), "packaged default")
    providers = {
        name: spec.model_copy(update={"base_url": sim.base_url(spec.kind, name)})
        for name, spec in config.providers.items()
    }
    return config.model_copy(update={"providers": providers})


def healthy(name: str, kind: str, **script: Any) -> SimulatedModel:
    return SimulatedModel(name=name, kind=kind, script=ModelScript(**script))


async def packaged_requests(
    request: ReviewRequest, models: Sequence[str], keys: Mapping[str, str | None]
) -> dict[str, RecordedRequest]:
    """The one request each model of the packaged models.yaml was sent for ``request`` (every
    model answering ``fine`` from the simulator)."""
    async with Simulator({}, default_script=ModelScript(reply="fine")) as sim:
        config = packaged_config_at(sim)
        async with Runner(config, keys) as runner:
            result = await run_models(runner, models, request)
        for name in models:
            assert result.finished(name).text == "fine"
        by_model: dict[str, RecordedRequest] = {}
        for name in models:
            wire_id = config.resolve(name).wire_id
            [recorded] = sim.requests_for(wire_id)
            by_model[name] = recorded
        return by_model
