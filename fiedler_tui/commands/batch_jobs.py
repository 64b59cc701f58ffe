"""``fiedler batch list|status|fetch|cancel``: follow a batch job, save its answers, stop it.

``status`` asks each provider about its batches (counts done, failed, pending; expiry);
``fetch`` saves the answers of every batch that has ended into the runs folder (one run folder
per unit, one output per model, a summary with usage and cost) and can be repeated: what was
saved is not fetched again. Both resume a job cut short: its state says what was done.
Exit 0 on success, 1 when a provider could not be asked, 2 for an unknown job.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import UTC, datetime
from typing import Any

from fiedler_tui.commands.context import CommandContext
from fiedler_tui.commands.table import render_table
from fiedler_tui.core.batch.job import BatchRunner
from fiedler_tui.core.batch.job_summary import model_totals, summary_path
from fiedler_tui.core.batch.state import BatchStore, JobState
from fiedler_tui.core.plural import counted
from fiedler_tui.core.providers.errors import ProviderError

_COLUMNS = ("done", "failed", "expired", "cancelled", "submitted", "pending")


def _runner(ctx: CommandContext, store: BatchStore, keep_remote: bool = False) -> BatchRunner:
    keys = {name: key.value for name, key in ctx.resolve_keys().items()}
    return BatchRunner(ctx.config, ctx.settings, keys, store, keep_remote=keep_remote)


def job_json(job: JobState) -> dict[str, Any]:
    """What ``status --json`` and ``list --json`` print for a job."""
    return {
        "job_id": job.job_id,
        "status": job.status,
        "created_at": job.created_at,
        "per": job.per,
        "units": len(job.units),
        "requests": len(job.requests),
        "counts": job.counts(),
        "cost_usd": round(sum(r.cost_usd or 0.0 for r in job.requests.values()), 6),
        "models": model_totals(job),
        "cost_usd_max": job.cost_usd_max,
        "cost_usd_max_live": job.cost_usd_max_live,
        "output_dir": job.output_dir,
        "parts": [
            {
                "part": p.part_id,
                "provider": p.provider,
                "model": p.model,
                "requests": len(p.custom_ids),
                "step": p.step,
                "batch_id": p.batch_id,
                "provider_status": p.provider_status,
                "counts": p.counts,
                "expires_at": p.expires_at,
                "fetched": p.fetched,
            }
            for p in job.parts
        ],
        "live": [m.alias for m in job.models if m.mode == "live"],
    }


def _utc(moment: str) -> str:
    """``2026-12-08 03:03 UTC`` from the providers' ISO times (as given when unreadable)."""
    try:
        parsed = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    except ValueError:
        return moment
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _print_status(job: JobState, ctx: CommandContext) -> None:
    counts = job.counts()
    shown = ", ".join(f"{counts[c]} {c}" for c in _COLUMNS if counts.get(c))
    ctx.out(f"batch job {job.job_id}: {job.status}, {counted(len(job.units), 'unit')}, {shown}")
    per_model: dict[str, dict[str, int]] = {}
    for request in job.requests.values():
        row = per_model.setdefault(request.model, {})
        row[request.status] = row.get(request.status, 0) + 1
    parts = {m.alias: [p for p in job.parts if p.model == m.alias] for m in job.models}
    rows = []
    for model in job.models:
        row = per_model.get(model.alias, {})
        states = sorted({p.provider_status or p.step for p in parts[model.alias]})
        expiry = min((_utc(p.expires_at) for p in parts[model.alias] if p.expires_at), default="")
        rows.append(
            [
                model.alias,
                model.provider,
                model.mode,
                *(str(row.get(c, 0)) for c in _COLUMNS),
                ", ".join(states) if model.mode == "batch" else "",
                expiry or "",
            ]
        )
    headers = ["model", "provider", "mode", *_COLUMNS, "batch status", "expires"]
    ctx.out(render_table(headers, rows, set(range(3, 3 + len(_COLUMNS)))))
    totals = model_totals(job)
    spent = sum(m["cost_usd"] for m in totals)
    live = sum(m["cost_usd_live"] for m in totals)
    ctx.out(
        f"cost so far ${spent:.4f} (${live:.4f} for the same usage live; worst case "
        f"${job.cost_usd_max:.4f} in batch, ${job.cost_usd_max_live:.4f} live); answers in "
        f"{job.output_dir}, summary {summary_path(job).name}"
    )
    if any(p.batch_id is None and p.step != "cancelled" for p in job.parts):
        ctx.err(
            f"fiedler: {sum(p.batch_id is None for p in job.parts)} batches were never "
            f"submitted: run `fiedler batch submit --resume {job.job_id}` with the same paths "
            "and prompt"
        )
    ended = counts.get("expired", 0) + counts.get("cancelled", 0)
    if ended:
        ctx.err(
            f"fiedler: {ended} requests expired or were cancelled before they ran; "
            f"`fiedler batch submit --resume {job.job_id}` with the same paths and prompt "
            "submits the expired ones again"
        )


def run_list(args: argparse.Namespace, ctx: CommandContext) -> int:
    jobs = BatchStore().list()
    if args.json:
        ctx.out(json.dumps([job_json(j) for j in jobs], indent=2))
        return 0
    if not jobs:
        ctx.out("no batch jobs")
        return 0
    rows = []
    for job in jobs:
        counts = job.counts()
        finished = sum(counts.get(c, 0) for c in ("done", "failed", "expired", "cancelled"))
        rows.append(
            [
                job.job_id,
                job.status,
                str(len(job.units)),
                ", ".join(m.alias for m in job.models),
                f"{finished}/{len(job.requests)}",
            ]
        )
    ctx.out(render_table(["job", "status", "units", "models", "ended"], rows, {2, 4}))
    return 0


async def _refresh(runner: BatchRunner, job: JobState) -> None:
    async with runner:
        await runner.refresh(job)


def progress_line(job: JobState, saved_now: int) -> str:
    """One line of ``--wait``'s progress on stderr."""
    counts = job.counts()
    ended = sum(counts.get(c, 0) for c in ("done", "failed", "expired", "cancelled"))
    return (
        f"batch job {job.job_id}: {ended}/{len(job.requests)} requests ended, "
        f"{saved_now} answers saved now"
    )


async def fetch_job(
    runner: BatchRunner, job: JobState, ctx: CommandContext, wait: bool, interval_s: float
) -> int:
    """Fetch once, or (``wait``) until every batch has ended, saying how it goes on stderr."""
    async with runner:
        if not wait:
            return await runner.fetch(job)
        return await runner.wait_and_fetch(
            job, interval_s, lambda job, now: ctx.err(progress_line(job, now))
        )


async def _cancel(runner: BatchRunner, job: JobState) -> None:
    async with runner:
        await runner.cancel(job)


def _ask(ctx: CommandContext, job: JobState, work: Any) -> tuple[bool, Any]:
    """Run ``work``; (False, None) when a provider could not be asked (said on stderr)."""
    try:
        return True, asyncio.run(work)
    except ProviderError as exc:
        ctx.err(f"fiedler: batch job {job.job_id}: {exc.describe()}")
        return False, None


def run_status(args: argparse.Namespace, ctx: CommandContext) -> int:
    store = BatchStore()
    with store.lock(args.job_id):
        job = store.load(args.job_id)
        asked, _ = _ask(ctx, job, _refresh(_runner(ctx, store), job))
    if args.json:
        ctx.out(json.dumps(job_json(job), indent=2))
    else:
        _print_status(job, ctx)
    return 0 if asked else 1


def run_fetch(args: argparse.Namespace, ctx: CommandContext) -> int:
    store = BatchStore()
    with store.lock(args.job_id):
        job = store.load(args.job_id)
        runner = _runner(ctx, store, args.keep_remote)
        asked, saved = _ask(ctx, job, fetch_job(runner, job, ctx, args.wait, args.interval))
    if args.json:
        ctx.out(json.dumps({**job_json(job), "saved_now": saved or 0}, indent=2))
    else:
        ctx.out(f"saved {saved or 0} answers now")
        _print_status(job, ctx)
    return 0 if asked else 1


def run_cancel(args: argparse.Namespace, ctx: CommandContext) -> int:
    store = BatchStore()
    with store.lock(args.job_id):
        job = store.load(args.job_id)
        asked, _ = _ask(ctx, job, _cancel(_runner(ctx, store), job))
    ctx.err(
        f"batch job {job.job_id}: cancelled; answers already given are kept: "
        f"`fiedler batch fetch {job.job_id}` saves them"
    )
    return 0 if asked else 1
