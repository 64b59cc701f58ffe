"""Members failing, a failing chair, cancellation and cached usage across rounds, over loopback."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from fiedler_tui.core.crosstalk import (
    Deliberation,
    DeliberationEnded,
    DroppedOut,
    RoundStarted,
    TurnEvent,
    build_plan,
)
from fiedler_tui.core.files.roots import AllowedRoots
from fiedler_tui.core.runner import Finished, Runner
from fiedler_tui.core.simulator import (
    Fault,
    FaultKind,
    ModelScript,
    SimulatedModel,
    Simulator,
    simulated_config,
)

from .support import KEYS, KINDS, PACKAGE, QUESTION, deliberate, reply, user_texts, world

NAMES = tuple(KINDS)


def healthy() -> dict[str, ModelScript]:
    return {name: ModelScript(reply=reply(name, "disagree")) for name in NAMES}


def failing_on(request: int, kind: FaultKind) -> tuple[Fault, ...]:
    """Fault only the ``request``-th request (1-based); the simulator skips None entries."""
    return cast(tuple[Fault, ...], (None,) * (request - 1) + (Fault.of(kind),))


async def test_a_member_failing_mid_deliberation_drops_out_and_the_others_go_on() -> None:
    scripts = healthy()
    scripts["gamma-gemini"] = ModelScript(
        reply=reply("gamma-gemini"), faults=failing_on(2, FaultKind.UNAUTHORIZED)
    )
    async with world(scripts) as w:
        events, outcome = await deliberate(w, w.plan("debate", rounds=3))
        assert len(w.bodies("gamma-gemini")) == 2  # never asked again after round 2
        assert [len(w.bodies(n)) for n in ("alpha-gpt", "beta-claude")] == [3, 3]
        [dropped] = [e for e in events if isinstance(e, DroppedOut)]
        assert (dropped.round, dropped.member, dropped.code) == (2, "gamma-gemini", "auth")
        assert "Authentication failed in round 2" in dropped.reason
        assert outcome.dropped == (dropped,)
        # Round 3: the two that remain see each other only, gamma's round-1 answer is gone.
        round3 = user_texts(w.bodies("alpha-gpt")[2])[-1]
        assert "--- Reviewer B ---" in round3
        assert "Reviewer C" not in round3
        assert outcome.status == "complete"
        assert outcome.rounds_run == 3
        failed = [t for t in outcome.turns if t.status == "failed"]
        assert [(t.round, t.member) for t in failed] == [(2, "gamma-gemini")]


async def test_fewer_than_two_members_left_stops_the_deliberation_and_says_why() -> None:
    scripts = healthy()
    for name in ("beta-claude", "gamma-gemini"):
        scripts[name] = ModelScript(
            reply=reply(name), faults=failing_on(2, FaultKind.CONTEXT_LENGTH)
        )
    async with world(scripts) as w:
        _, outcome = await deliberate(w, w.plan("debate", rounds=3))
        assert outcome.status == "stopped"
        assert outcome.reason == "fewer than two members remain for round 3"
        assert {d.member for d in outcome.dropped} == {"beta-claude", "gamma-gemini"}
        assert {d.code for d in outcome.dropped} == {"context_length_exceeded"}
        assert len(w.bodies("alpha-gpt")) == 2


async def test_a_failing_chair_leaves_the_run_degraded_with_the_answers_intact() -> None:
    scripts = healthy()
    scripts["chair-model"] = ModelScript(
        reply="never", faults=failing_on(1, FaultKind.UNAUTHORIZED)
    )
    async with world(scripts, with_chair=True) as w:
        _, outcome = await deliberate(w, w.plan("report", chair="chair-model"))
        assert outcome.status == "degraded"
        assert outcome.result == ""
        assert "the chair failed (Authentication failed)" in outcome.reason
        answers = [t for t in outcome.turns if t.role == "member" and t.status == "finished"]
        assert len(answers) == 6  # three answers, three reviews


async def test_cancelling_one_member_drops_it_and_cancelling_all_ends_the_run() -> None:
    scripts = healthy()
    scripts["gamma-gemini"] = ModelScript(reply=reply("gamma-gemini"), ttft_s=30)
    async with world(scripts) as w:
        deliberation = Deliberation(w.runner, w.plan("debate", rounds=3))
        events = []
        async for event in deliberation.events():
            events.append(event)
            finished = isinstance(event, TurnEvent) and isinstance(event.event, Finished)
            if finished and (event.round, event.member) == (1, "alpha-gpt"):  # type: ignore[union-attr]
                deliberation.cancel("gamma-gemini")
            if isinstance(event, RoundStarted) and event.round == 3:
                deliberation.cancel_all()
        outcome = events[-1]
        assert isinstance(outcome, DeliberationEnded)
        [dropped] = outcome.outcome.dropped
        assert (dropped.member, dropped.round, dropped.reason) == (
            "gamma-gemini",
            1,
            "cancelled in round 1",
        )
        round2 = [e for e in events if isinstance(e, RoundStarted) and e.round == 2]
        assert round2[0].members == ("alpha-gpt", "beta-claude")
        assert outcome.outcome.status == "cancelled"
        assert outcome.outcome.rounds_run == 2


async def test_cached_input_is_counted_and_priced_on_rounds_after_the_first() -> None:
    prices = {"price_in": 10.0, "price_out": 10.0, "price_cached_in": 1.0}
    async with world(healthy(), **prices) as w:
        _, outcome = await deliberate(w, w.plan("debate", rounds=2))
        for name in NAMES:
            first, second = [t for t in outcome.turns if t.member == name]
            assert not first.usage.cached_input_tokens
            cached = second.usage.cached_input_tokens or 0
            assert cached >= 1_000, (name, second.usage)  # the package, read from the cache
            tokens_in = second.usage.input_tokens or 0
            written = second.usage.cache_write_tokens or 0
            full = (tokens_in - cached - written) * 10.0 + cached * 1.0 + written * 10.0
            expected = (full + (second.usage.output_tokens or 0) * 10.0) / 1_000_000
            assert abs(second.cost_usd - round(expected, 6)) < 1e-9
        assert abs(outcome.cost_usd - round(sum(t.cost_usd for t in outcome.turns), 6)) < 1e-9


async def test_a_quota_failure_rules_out_the_providers_other_models_and_chair() -> None:
    """Two members and the chair on one provider: its quota ends in round 1, so neither the
    other member nor the chair is asked again (the run degrades, the answers stay)."""
    shared = [
        SimulatedModel(
            name="q1",
            kind="openai",
            provider="shared",
            script=ModelScript(reply="q1", faults=(Fault.of(FaultKind.INSUFFICIENT_QUOTA),)),
        ),
        SimulatedModel(name="q2", kind="openai", provider="shared", script=ModelScript(reply="q2")),
        SimulatedModel(name="q3", kind="openai", provider="shared", script=ModelScript(reply="q3")),
        SimulatedModel(name="other", kind="anthropic", script=ModelScript(reply="other")),
        SimulatedModel(name="third", kind="gemini", script=ModelScript(reply="third")),
    ]
    async with Simulator({m.model_id: m.script for m in shared}) as sim:
        config = simulated_config(sim.base_url, shared)
        plan = build_plan(
            config,
            paradigm="report",
            members=["q1", "q2", "other", "third"],
            chair="q3",
            question=QUESTION,
            package_text=PACKAGE,
            roots=AllowedRoots.of([Path.cwd()]),
        )
        async with Runner(config, KEYS) as runner:
            events = [e async for e in Deliberation(runner, plan).events()]
        outcome = events[-1]
        assert isinstance(outcome, DeliberationEnded)
        dropped = {d.member: d for d in outcome.outcome.dropped}
        assert dropped["q1"].code == "quota_exhausted"
        assert dropped["q2"].round == 2
        assert dropped["q2"].reason == (
            "not asked in round 2: quota exhausted for provider shared (q1, round 1)"
        )
        assert len(sim.requests_for("q2")) == 1  # round 1 only
        assert sim.requests_for("q3") == []  # the chair was never asked
        assert outcome.outcome.status == "degraded"
        assert "the chair was not asked: quota exhausted for provider shared" in (
            outcome.outcome.reason
        )
        reviews = [t for t in outcome.outcome.turns if t.phase == "review"]
        assert {t.member for t in reviews} == {"other", "third"}
