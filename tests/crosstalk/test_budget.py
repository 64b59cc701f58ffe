"""The deliberation's budget before the first token, and the cap while it runs (over loopback)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fiedler_tui.core.crosstalk import Deliberation, DeliberationEnded, RoundEnded, build_plan
from fiedler_tui.core.crosstalk.budget import deliberation_budget
from fiedler_tui.core.files.roots import AllowedRoots
from fiedler_tui.core.settings import Settings
from fiedler_tui.core.simulator import ModelScript
from fiedler_tui.core.tokens.counter import TokenCounter

from .support import KINDS, PACKAGE, QUESTION, priced_config, reply, world

NAMES = tuple(KINDS)


@pytest.fixture
def counter() -> Iterator[TokenCounter]:
    with TokenCounter(Settings.from_env()) as tokens:
        yield tokens


def plan(cfg, paradigm: str = "debate", **options: object):  # type: ignore[no-untyped-def]
    return build_plan(
        cfg,
        paradigm=paradigm,
        members=list(NAMES),
        question=QUESTION,
        package_text=PACKAGE,
        roots=AllowedRoots.of([Path.cwd()]),
        **options,  # type: ignore[arg-type]
    )


def test_later_rounds_read_every_other_answer_at_its_reserve(counter: TokenCounter) -> None:
    cfg = priced_config()
    budget = deliberation_budget(cfg, plan(cfg, rounds=3), counter, None)
    assert [(s.round, s.phase) for s in budget.steps] == [
        (1, "answer"),
        (2, "answer"),
        (3, "answer"),
    ]
    first = {t.member: t for t in budget.steps[0].turns}
    for turn in budget.steps[1].turns:
        # its own answer and the two others', each at 1,000 reserved tokens, plus the framing
        extra = turn.input_tokens - first[turn.member].input_tokens - 3 * 1000
        assert 50 < extra < 400, extra
        assert turn.cost_usd_max == pytest.approx((turn.input_tokens * 10 + 1000 * 20) / 1e6)
    assert budget.cost_usd_max == pytest.approx(sum(s.cost_usd_max for s in budget.steps))
    # The package from the cache is shown apart, from each model's second turn on.
    assert budget.steps[0].cache_discount_usd == 0
    assert budget.steps[1].cache_discount_usd > 0
    package_tokens = first["alpha-gpt"].input_tokens - 100
    assert budget.steps[1].turns[0].cache_discount_usd == pytest.approx(
        package_tokens * 9 / 1e6, rel=0.1
    )
    assert budget.refusals() == []


def test_a_round_that_could_overflow_a_window_is_refused_by_name(counter: TokenCounter) -> None:
    cfg = priced_config()
    blind = deliberation_budget(cfg, plan(cfg), counter, None).steps[0].turns[2].input_tokens
    cfg = priced_config(**{"gamma-gemini": {"context_window": blind + 2000}})
    budget = deliberation_budget(cfg, plan(cfg, rounds=2), counter, None)
    [refusal] = budget.refusals()
    assert refusal.startswith("round 2 (answer): gamma-gemini (gamma-gemini) could need ")
    assert f"> {blind + 2000:,} window" in refusal
    # The chair's report reads every answer and every review: it is the one that overflows.
    cfg = priced_config(**{"alpha-gpt": {"context_window": blind + 4500}})
    report = deliberation_budget(cfg, plan(cfg, "report", chair="alpha-gpt"), counter, None)
    [refusal] = report.refusals()
    assert refusal.startswith("round 2 (report): the chair (alpha-gpt) could need")


def test_a_total_above_the_cap_is_refused_naming_the_round_that_crosses_it(
    counter: TokenCounter,
) -> None:
    cfg = priced_config()
    uncapped = deliberation_budget(cfg, plan(cfg, "memory", rounds=2), counter, None)
    assert [(s.round, s.phase) for s in uncapped.steps] == [
        (1, "answer"),
        (1, "ledger"),
        (2, "answer"),
        (2, "ledger"),
    ]
    cap = uncapped.steps[0].cost_usd_max + uncapped.steps[1].cost_usd_max + 0.0001
    capped = deliberation_budget(cfg, plan(cfg, "memory", rounds=2), counter, cap)
    [refusal] = capped.refusals()
    assert refusal == (
        f"worst-case cost ${uncapped.cost_usd_max:.4f} is above the cap ${cap:g} "
        "(round 2 (answer) would cross it)"
    )


async def test_a_round_whose_worst_case_would_cross_the_cap_is_not_started(
    counter: TokenCounter,
) -> None:
    scripts = {name: ModelScript(reply=reply(name, "disagree")) for name in NAMES}
    async with world(scripts, price_in=10.0, price_out=20.0) as w:
        the_plan = w.plan("debate", rounds=3)
        uncapped = deliberation_budget(w.config, the_plan, counter, None)
        cap = uncapped.steps[0].cost_usd_max + uncapped.steps[1].cost_usd_max / 2
        budget = deliberation_budget(w.config, the_plan, counter, cap)
        events = [e async for e in Deliberation(w.runner, the_plan, budget=budget).events()]
        assert all(len(w.bodies(name)) == 1 for name in NAMES)  # round 2 never sent
        [ended] = [e for e in events if isinstance(e, RoundEnded)]
        assert ended.spent_usd > 0
        assert ended.spent_usd == pytest.approx(sum(t.cost_usd for t in ended.turns))
        assert ended.worst_case_usd == pytest.approx(uncapped.cost_usd_max, abs=1e-6)
        last = events[-1]
        assert isinstance(last, DeliberationEnded)
        assert last.outcome.status == "stopped"
        assert last.outcome.reason.startswith("round 2 (answer) not started: its worst case $")
        assert last.outcome.reason.endswith(f"above the cap ${cap:g}")
