"""A deliberation is refused before its first token when a turn's worst-case request exceeds
its provider's tokens-per-minute limit (configured, else learned), naming the round."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from fiedler_tui.core.crosstalk import build_plan
from fiedler_tui.core.crosstalk.budget import deliberation_budget
from fiedler_tui.core.files.roots import AllowedRoots
from fiedler_tui.core.locations import user_state_dir
from fiedler_tui.core.ratelimits import LearnedLimitsStore, ObservedLimits
from fiedler_tui.core.settings import Settings
from fiedler_tui.core.simulator import SimulatedModel, simulated_config
from fiedler_tui.core.tokens.counter import TokenCounter

from .support import KINDS, PACKAGE, QUESTION


@pytest.fixture
def counter() -> Iterator[TokenCounter]:
    with TokenCounter(Settings.from_env()) as tokens:
        yield tokens


def config(settings: dict[str, dict[str, object]] | None = None):  # type: ignore[no-untyped-def]
    models = [
        SimulatedModel(name=name, kind=kind, max_completion_tokens=1000)
        for name, kind in KINDS.items()
    ]
    return simulated_config(
        lambda kind, name: f"http://127.0.0.1:9/{name}", models, provider_settings=settings
    )


def debate(cfg):  # type: ignore[no-untyped-def]
    return build_plan(
        cfg,
        paradigm="debate",
        members=list(KINDS),
        question=QUESTION,
        package_text=PACKAGE,
        roots=AllowedRoots.of([Path.cwd()]),
        rounds=2,
    )


def test_a_turn_above_the_configured_limit_is_refused_by_round(counter: TokenCounter) -> None:
    openai_member = next(name for name, kind in KINDS.items() if kind == "openai")
    first = deliberation_budget(config(), debate(config()), counter, None)
    turn1 = next(t for t in first.steps[0].turns if t.member == openai_member)
    # the first round's request fits; the second reads the others' answers and does not
    limit = turn1.input_tokens + turn1.reserve + 1
    cfg = config({"sim-openai": {"tokens_per_minute": limit}})
    budget = deliberation_budget(cfg, debate(cfg), counter, None)
    refusals = [r for r in budget.refusals() if "can never be accepted" in r]
    assert refusals and all(r.startswith("round 2 (answer): ") for r in refusals)
    assert f"can never be accepted at this limit ({limit:,} tokens per minute" in refusals[0]
    assert deliberation_budget(config(), debate(config()), counter, None).refusals() == []


def test_a_learned_limit_applies_when_none_is_configured(counter: TokenCounter) -> None:
    anthropic_member = next(name for name, kind in KINDS.items() if kind == "anthropic")
    store = LearnedLimitsStore(user_state_dir() / "rate-limits.json")
    store.record(
        "sim-anthropic", None, ObservedLimits(input_tokens_per_minute=10, seen_at=time.time())
    )
    store.save()
    cfg = config()
    refusals = deliberation_budget(cfg, debate(cfg), counter, None).refusals()
    assert refusals and refusals[0].startswith(
        f"round 1 (answer): {anthropic_member} ({anthropic_member}) can never be accepted at "
        "this limit (10 input tokens per minute, learned from sim-anthropic's headers just now"
    )
