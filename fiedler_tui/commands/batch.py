"""``fiedler batch submit``: a review set (units x models) through the providers' batch engines.

The set's dry run first (units, each model's largest unit against its window, the worst case at
batch prices beside the live price), then the checks ``send`` makes (roots, limits, secrets,
keys, egress, the spend cap on the set's total); ``--dry-run`` stops there. Then the job's state
is written and each part handed to its provider; models whose provider has no batch API run
their part at once as ordinary requests. ``--resume ID`` continues a job cut short, given the
same paths and prompt (checked against what the job recorded), and submits again, alone, the
requests of the job that expired or were cancelled before they ran. ``--wait`` then asks every
``--interval`` seconds until every batch has ended and saves the answers (``fiedler batch fetch
--wait``).

Exit 0 when submitted (or nothing blocks a dry run), 2 on bad input, 3 when refused.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
from pathlib import Path

from fiedler_tui.commands.batch_jobs import progress_line
from fiedler_tui.commands.context import CommandContext
from fiedler_tui.commands.dry_run import _models, _prompt, secret_policy
from fiedler_tui.commands.table import render_table
from fiedler_tui.core.batch.job import BatchRunner
from fiedler_tui.core.batch.plan import BatchPlan, plan_batch
from fiedler_tui.core.batch.state import (
    REDACTED_PREFIX,
    BatchStateError,
    BatchStore,
    JobState,
    stored_path,
)
from fiedler_tui.core.batch.units import UnitSplit
from fiedler_tui.core.budget import DryRunEngine, DryRunOptions, SendBlockedError
from fiedler_tui.core.config.reasoning import ReasoningChoice
from fiedler_tui.core.egress.guard import policy_of
from fiedler_tui.core.files.ignore import Filters
from fiedler_tui.core.plural import counted
from fiedler_tui.core.ratelimits import LearnedLimitsStore, token_limits
from fiedler_tui.core.request import DEFAULT_SYSTEM_PROMPT
from fiedler_tui.core.store.run_store import RunStore
from fiedler_tui.core.tokens.counter import TokenCounter


def build_plan(args: argparse.Namespace, ctx: CommandContext) -> tuple[BatchPlan, str, str]:
    """The set's dry run, the prompt and the system prompt."""
    models = _models(args, ctx)
    resolved = ctx.resolve_keys()
    config = ctx.config
    live_providers = {
        m.provider
        for m in models
        if str(config.provider_of(m).kind) not in ("openai", "anthropic", "gemini")
    }
    limits = token_limits(
        config,
        {name: key.value for name, key in resolved.items()},
        LearnedLimitsStore.default(no_disk=ctx.settings.no_disk),
    )
    prompt = _prompt(args, ctx, models)
    system = DEFAULT_SYSTEM_PROMPT if args.system is None else args.system
    options = DryRunOptions(
        egress=policy_of(config, ctx.settings),
        prompt=prompt,
        system=system,
        max_completion_tokens=args.max_completion_tokens,
        reasoning=ReasoningChoice(args.reasoning_effort, args.thinking_budget),
        secret_policy=secret_policy(args),
        filters=Filters(tuple(args.include), tuple(args.exclude)),
        key_status={name: str(key.source) for name, key in resolved.items()},
        # a batch engine has its own rate limits: only the parts sent live are judged on them
        rate_limits={p: v for p, v in limits.items() if p in live_providers},
    )
    with TokenCounter(ctx.settings) as tokens, DryRunEngine(ctx.settings, tokens) as engine:
        plan = plan_batch(
            args.paths, models, config, ctx.settings, engine, options, UnitSplit(args.per)
        )
    return plan, prompt, system


def print_plan(plan: BatchPlan, ctx: CommandContext) -> None:
    units = plan.units
    files = sum(len(r.preview.files) for _, r in units)
    ctx.out(
        f"{counted(len(units), 'unit')} (per {plan.per}), {counted(files, 'file')}, "
        f"{counted(len(plan.requests), 'request')} to {counted(len(plan.models), 'model')}"
    )
    for name, reason in plan.skipped_units:
        ctx.err(f"skipped unit {name}: {reason}")
    rows = [
        [
            m.alias,
            m.provider,
            m.mode if m.mode == "live" else f"batch (x{m.discount:g})",
            f"{m.largest_input:,}",
            f"{m.reserve:,}",
            f"{m.window:,}",
            str(m.units_over) if m.units_over else "",
            f"${m.cost_usd_max:.4f}",
            f"${m.cost_usd_max_live:.4f}",
        ]
        for m in plan.model_plans
    ]
    headers = ["model", "provider", "mode", "largest input", "reserve", "window", "over"]
    ctx.out(render_table([*headers, "cost≤", "live cost≤"], rows, {3, 4, 5, 6, 7, 8}))
    cap = plan.cost_cap_usd
    cap_text = f" (cap ${cap:g})" if cap is not None else ""
    ctx.out(
        f"worst-case total: ${plan.cost_usd_max:.4f} in batch{cap_text}; "
        f"${plan.cost_usd_max_live:.4f} sent live"
    )


def _check_resume(job: JobState, plan: BatchPlan, prompt: str) -> None:
    """Refuse to resume with another prompt or other files than the job recorded."""
    problems: list[str] = []
    if hashlib.sha256(prompt.encode()).hexdigest() != job.prompt_sha256:
        problems.append("the prompt differs from the job's (give the same -p or --prompt-file)")
    redact = job.units[0].name.startswith(REDACTED_PREFIX) if job.units else False
    planned = {u.index: (stored_path(u.name, redact), r.preview.sha256) for u, r in plan.units}
    for unit in job.units:
        if planned.get(unit.index) != (unit.name, unit.package_sha256):
            problems.append(f"unit {unit.name}: its files changed since the job was submitted")
            break
    if problems:
        raise SendBlockedError([f"cannot resume {job.job_id}: {p}" for p in problems])


async def _submit(
    runner: BatchRunner,
    plan: BatchPlan,
    prompt: str,
    system: str,
    job: JobState | None,
    args: argparse.Namespace,
    ctx: CommandContext,
) -> JobState:
    async with runner:
        if job is None:
            job, entries = runner.new_job(plan, prompt, system)
            await runner.submit(job, plan, entries)
        else:
            again = runner.resubmit_unran(job, plan)
            if again:
                runner.store.save(job)
            await runner.submit(job, plan)
        if args.wait:
            ctx.err(f"batch job {job.job_id}: submitted; waiting for its batches")
            await runner.wait_and_fetch(
                job, args.interval, lambda job, now: ctx.err(progress_line(job, now))
            )
    return job


def run_submit(args: argparse.Namespace, ctx: CommandContext) -> int:
    settings = ctx.settings
    if args.output_dir:
        settings = settings.replace(output_dir=Path(args.output_dir).expanduser())
        ctx.settings = settings
    plan, prompt, system = build_plan(args, ctx)
    if not args.json:
        print_plan(plan, ctx)
    elif args.dry_run or plan.blockers:
        ctx.out(json.dumps(plan.to_json(), indent=2))
    if args.dry_run:
        for blocker in plan.blockers:
            ctx.err(f"fiedler: cannot submit: {blocker}")
        return 3 if plan.blockers else 0
    if plan.blockers:
        raise SendBlockedError([f"cannot submit: {b}" for b in plan.blockers])
    if settings.no_disk:
        raise BatchStateError("a batch job keeps its state on disk: unset FIEDLER_NO_DISK")
    RunStore(settings.output_dir).preflight()
    store = BatchStore()
    keys = {name: key.value for name, key in ctx.resolve_keys().items()}
    runner = BatchRunner(ctx.config, settings, keys, store, keep_remote=args.keep_remote)
    if args.resume:
        with store.lock(args.resume):
            job = store.load(args.resume)
            _check_resume(job, plan, prompt)
            job = asyncio.run(_submit(runner, plan, prompt, system, job, args, ctx))
    else:
        job = asyncio.run(_submit(runner, plan, prompt, system, None, args, ctx))
    counts = job.counts()
    if job.status == "ended":
        ctx.err(f"batch job {job.job_id}: ended, answers in {job.output_dir}")
    else:
        ctx.err(
            f"batch job {job.job_id}: {len(job.parts)} batches submitted, "
            f"{counts.get('done', 0)} answers already saved; "
            f"`fiedler batch status {job.job_id}`, then `fiedler batch fetch {job.job_id}`"
        )
    if args.json:
        ctx.out(json.dumps({**plan.to_json(), "job_id": job.job_id}, indent=2))
    else:
        ctx.out(job.job_id)
    return 0
