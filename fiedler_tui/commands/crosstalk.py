"""``fiedler crosstalk``: 2 to 5 models deliberate on one question about one package.

The package is built and judged by the same dry run as ``fiedler send`` (named paths, secrets
policy, keys, limits; every model and the chair); the deliberation's own budget then judges
every round before anything is sent. Progress goes to stderr, the result to stdout (``--json``:
the summary; ``--events``: every event as a JSON line).

Exit 0 when every turn was done, 1 when a member or the chair failed (or the deliberation
stopped or is not complete), 2 on bad input, 3 when refused (the dry run's blockers, a window
that a round could overflow, a worst case above ``--max-cost`` / ``FIEDLER_MAX_COST_USD``),
130/143 when interrupted (every turn is cancelled, what arrived is kept).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
from pathlib import Path
from typing import Any

from fiedler_tui.commands.context import CommandContext
from fiedler_tui.commands.dry_run import (
    blocker_line,
    build_dry_run,
    refuse_if_blocked,
    skipped_lines,
)
from fiedler_tui.commands.event_lines import event_fields, json_line
from fiedler_tui.commands.interrupts import Interrupts
from fiedler_tui.commands.table import render_table
from fiedler_tui.core.crosstalk import (
    CrosstalkEvent,
    DeliberationEnded,
    DroppedOut,
    Outcome,
    Plan,
    RoundEnded,
    RoundStarted,
    TurnEvent,
    VerdictGiven,
)
from fiedler_tui.core.crosstalk.budget import DeliberationBudget
from fiedler_tui.core.crosstalk.resume import SavedDeliberation
from fiedler_tui.core.crosstalk.session import (
    DeliberationChoices,
    DeliberationSession,
    load_resume,
    resume_choices,
)
from fiedler_tui.core.errors import UsageError
from fiedler_tui.core.runner import Cancelled, Failed, Finished, Retrying
from fiedler_tui.core.store.run_store import RunStore


def event_json(event: CrosstalkEvent) -> str:
    """One deliberation event as a JSON object; a turn's runner event is nested as ``event``."""
    data: dict[str, Any] = {"type": type(event).__name__}
    if isinstance(event, TurnEvent):
        inner = event_fields(event.event)
        data.update(
            round=event.round,
            phase=event.phase,
            member=event.member,
            letter=event.letter,
            role=event.role,
            event=inner,
        )
    elif isinstance(event, DeliberationEnded):
        outcome = dataclasses.asdict(event.outcome)
        outcome.pop("turns")
        data["outcome"] = outcome
    elif isinstance(event, RoundEnded):
        data.update(dataclasses.asdict(event))
        data["turns"] = [{k: v for k, v in turn.items() if k != "text"} for turn in data["turns"]]
    else:
        data.update(dataclasses.asdict(event))
    return json_line(data)


def _personas(values: list[str]) -> dict[str, str]:
    personas: dict[str, str] = {}
    for value in values:
        alias, sep, persona = value.partition("=")
        if not sep or not alias.strip() or not persona.strip():
            raise UsageError(f"--persona {value!r}: expected ALIAS=FILE or ALIAS=ROLE")
        if alias.strip() in personas:
            raise UsageError(f"--persona: {alias.strip()!r} is given twice")
        personas[alias.strip()] = persona.strip()
    return personas


def _print_budget(plan: Plan, budget: DeliberationBudget, ctx: CommandContext) -> None:
    rows = []
    for step in budget.steps:
        for turn in step.turns:
            letter = "chair" if turn.role == "chair" else plan.member(turn.member).letter
            rows.append(
                [
                    str(step.round),
                    step.phase,
                    f"{turn.member} ({letter})",
                    f"{turn.input_tokens:,}",
                    f"{turn.reserve:,}",
                    f"{turn.context_window:,}",
                    "fits" if turn.fits else "OVER",
                    f"${turn.cost_usd_max:.4f}",
                    f"${turn.cache_discount_usd:.4f}" if turn.cache_discount_usd else "",
                ]
            )
    headers = [
        "round",
        "phase",
        "turn",
        "input≤",
        "reserve",
        "window",
        "status",
        "cost≤",
        "if cached",
    ]
    ctx.out(render_table(headers, rows, {0, 3, 4, 5, 7, 8}))
    for step in budget.steps:
        ctx.out(
            f"round {step.round} ({step.phase}): worst case ${step.cost_usd_max:.4f}"
            + (
                f", ${step.cache_discount_usd:.4f} less if the package is cached"
                if step.cache_discount_usd
                else ""
            )
        )
    cap = budget.cost_cap_usd
    cap_text = f" (cap ${cap:g})" if cap is not None else ""
    ctx.out(
        f"worst-case total: ${budget.cost_usd_max:.4f}{cap_text}; with the package cached: "
        f"${budget.cost_usd_max - budget.cache_discount_usd:.4f}"
    )


def _describe_plan(plan: Plan, ctx: CommandContext) -> None:
    members = ", ".join(
        f"{m.letter}={m.alias}" + (f" ({m.persona})" if m.persona else "") for m in plan.members
    )
    chair = ""
    if plan.chair:
        chair = f"; chair {plan.chair}" + (
            " (also a member: it may favour its own answer)" if plan.chair_is_member else ""
        )
    ctx.err(f"crosstalk: {plan.paradigm.value}, {plan.rounds} round(s); {members}{chair}")


class _Progress:
    """One line per round, turn end, verdict and drop-out on stderr."""

    def __init__(self, ctx: CommandContext) -> None:
        self.ctx = ctx

    def show(self, event: CrosstalkEvent) -> None:
        ctx = self.ctx
        if isinstance(event, RoundStarted):
            ctx.err(
                f"round {event.round}/{event.rounds} ({event.phase}): {', '.join(event.members)}"
            )
        elif isinstance(event, TurnEvent):
            inner = event.event
            who = f"  {event.member}" + (f" ({event.letter})" if event.letter else " (chair)")
            if isinstance(inner, Finished):
                cached = inner.usage.cached_input_tokens
                cache = f", {cached:,} input tokens cached" if cached else ""
                ctx.err(f"{who}: done, {inner.usage.output_tokens or 0:,} tokens{cache}")
            elif isinstance(inner, Failed):
                ctx.err(f"{who}: failed [{inner.error.code}] {inner.error.message}")
            elif isinstance(inner, Cancelled):
                ctx.err(f"{who}: cancelled; kept {len(inner.partial_text):,} chars")
            elif isinstance(inner, Retrying):
                ctx.err(f"{who}: retrying in {inner.delay_s:.1f}s: {inner.reason}")
        elif isinstance(event, VerdictGiven):
            verdict = event.verdict
            text = "no readable verdict"
            if verdict is not None:
                confidence = (
                    "" if verdict.confidence is None else f", confidence {verdict.confidence}"
                )
                text = f"{verdict.stance}{confidence}"
            ctx.err(f"  {event.member} ({event.letter}) verdict: {text}")
        elif isinstance(event, DroppedOut):
            ctx.err(f"  {event.member} dropped out: {event.reason}")
        elif isinstance(event, RoundEnded):
            spend = f"spent ${event.spent_usd:.4f}"
            if event.worst_case_usd is not None:
                spend += f" of worst case ${event.worst_case_usd:.4f}"
            consensus = {True: "; consensus", False: "; no consensus yet", None: ""}[
                event.consensus
            ]
            ctx.err(f"round {event.round} ({event.phase}) ended: {spend}{consensus}")


async def _deliberate(
    session: DeliberationSession, args: argparse.Namespace, ctx: CommandContext
) -> int | None:
    """Run it to the end; the number of the signal that interrupted it, if one did."""
    progress = _Progress(ctx)
    message = "interrupted: cancelling every turn (what arrived is kept)"
    with Interrupts(ctx, message, session.cancel_all) as interrupts:
        async with session:
            async for event in session.events():
                if args.events:
                    ctx.out(event_json(event))
                progress.show(event)
    return interrupts.signum


def _print_result(outcome: Outcome, ctx: CommandContext) -> None:
    if outcome.result:
        ctx.out(outcome.result)
        return
    finals: dict[str, str] = {}
    for turn in outcome.turns:
        if turn.role == "member" and turn.status == "finished":
            finals[turn.member] = turn.text
    for member, text in finals.items():
        ctx.out(f"## {member}")
        ctx.out(text)
        ctx.out()


def _choices(args: argparse.Namespace, saved: SavedDeliberation | None) -> DeliberationChoices:
    """The choices given, or those of the run to resume (given ones must not differ)."""
    given = DeliberationChoices(
        members=tuple(args.model),
        paradigm=args.paradigm or "",
        rounds=args.rounds,
        chair=args.chair,
        personas=_personas(args.persona),
        max_completion_tokens=args.max_completion_tokens,
    )
    if saved is None:
        return dataclasses.replace(given, paradigm=given.paradigm or "debate")
    return resume_choices(saved, given, names=_RESUME_NAMES)


_RESUME_NAMES = ("-m", "--paradigm", "--rounds", "--chair", "--persona", "--max-completion-tokens")


def run(args: argparse.Namespace, ctx: CommandContext) -> int:
    settings = ctx.settings
    if args.output_dir:
        settings = settings.replace(output_dir=Path(args.output_dir).expanduser())
    if args.max_cost is not None:
        settings = settings.replace(max_cost_usd=args.max_cost)
    cap = settings.max_cost_usd
    # The cap is judged on the whole deliberation (below), not on one request per model.
    ctx.settings = settings = settings.replace(max_cost_usd=None)
    store = RunStore(settings.output_dir, no_disk=settings.no_disk)
    saved = load_resume(store, args.resume) if args.resume else None
    choices = _choices(args, saved)
    if not choices.members:
        raise UsageError("name the members with -m ALIAS (2 to 5 of them)")
    resolved = ctx.resolve_keys()
    dry = argparse.Namespace(**vars(args))
    dry.model = choices.models
    dry.max_completion_tokens = choices.max_completion_tokens
    result = build_dry_run(dry, ctx, resolved)
    for line in skipped_lines(result):
        ctx.err(line)
    if not args.dry_run:
        refuse_if_blocked(result, resolved)
    session = DeliberationSession(
        config=ctx.config,
        settings=settings,
        keys={name: key.value for name, key in resolved.items()},
        result=result,
        choices=choices,
        cost_cap_usd=cap,
        saved=saved,
        store=store,
    )
    plan, budget = session.plan, session.budget
    refusals = session.refusals()
    if args.dry_run:
        if args.json:
            ctx.out(json.dumps({"dry_run": result.to_json(), "budget": budget.to_json()}, indent=2))
        else:
            _describe_plan(plan, ctx)
            _print_budget(plan, budget, ctx)
        for blocker in result.blockers:
            ctx.err(f"fiedler: cannot send: {blocker_line(blocker, resolved)}")
        for line in refusals:
            ctx.err(f"fiedler: {line}")
        refused = bool(result.blockers or refusals)
        return 3 if refused else 0
    session.preflight()
    _describe_plan(plan, ctx)
    ctx.err(f"worst-case cost: ${budget.cost_usd_max:.4f}")
    if saved is not None:
        ctx.err(
            f"resuming {saved.run_id}: {session.replayed_steps()} replayed from the saved turns"
        )
    signum = asyncio.run(_deliberate(session, args, ctx))
    outcome = session.outcome
    where = session.run_path or "memory only (FIEDLER_NO_DISK=1)"
    for problem in session.problems:
        ctx.err(f"  not saved: {problem}")
    if outcome is None:  # pragma: no cover - the engine always ends with DeliberationEnded
        return 1
    reason = f" ({outcome.reason})" if outcome.reason else ""
    ctx.err(
        f"deliberation {session.run_id}: {outcome.status}{reason}; "
        f"${outcome.cost_usd:.4f} of worst case ${budget.cost_usd_max:.4f}; saved in {where}"
    )
    for note in outcome.notes:
        ctx.err(f"note: {note}")
    if args.json:
        ctx.out(json.dumps(session.summary(), indent=2, ensure_ascii=False))
    elif not args.events:
        _print_result(outcome, ctx)
    if signum is not None:
        return 128 + signum
    return 1 if session.failed else 0
