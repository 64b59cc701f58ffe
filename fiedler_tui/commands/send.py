"""``fiedler send``: the dry run's checks, then every model at once, saved as it streams.

Exit 0 when every model succeeded and was saved, 1 when some failed or an output or the summary
could not be saved (each is named on stderr), 2 on bad input or configuration, 3 when
the dry run refuses (empty prompt or package, a named file that cannot be packaged, a missing
key, budget, limit, secrets, spend cap, changed files), 130 when interrupted by
Ctrl-C, 143 by SIGTERM (every model is cancelled; partial outputs are kept and the run is marked
``cancelled``; a second signal leaves at once).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path

from fiedler_tui.commands.context import CommandContext
from fiedler_tui.commands.dry_run import build_dry_run, refuse_if_blocked, skipped_lines
from fiedler_tui.commands.event_lines import event_fields, json_line
from fiedler_tui.commands.interrupts import Interrupts
from fiedler_tui.commands.send_report import report_end
from fiedler_tui.core.errors import UsageError
from fiedler_tui.core.runner import (
    Cancelled,
    Failed,
    Finished,
    FirstToken,
    Queued,
    Retrying,
    RunEvent,
    Started,
)
from fiedler_tui.core.send import SendSession
from fiedler_tui.core.store.run_store import RunStore


def event_json(event: RunEvent) -> str:
    """One event as a JSON object with its type name."""
    return json_line(event_fields(event))


class Progress:
    """One line per model state change on stderr: status, tokens, elapsed."""

    def __init__(self, ctx: CommandContext, models: list[str]) -> None:
        self._ctx = ctx
        self._start = time.monotonic()
        self._width = max((len(m) for m in models), default=0)

    def line(self, model: str, text: str) -> None:
        elapsed = time.monotonic() - self._start
        self._ctx.err(f"[{elapsed:6.1f}s] {model:<{self._width}}  {text}")

    def show(self, event: RunEvent) -> None:
        match event:
            case Queued(provider=provider):
                self.line(event.model, f"queued ({provider})")
            case Started(attempt=attempt) if attempt > 1:
                self.line(event.model, f"attempt {attempt}")
            case Retrying(delay_s=delay, reason=reason):
                self.line(event.model, f"retrying in {delay:.1f}s: {reason}")
            case FirstToken(ttft_s=ttft):
                self.line(event.model, f"streaming (first token after {ttft:.2f}s)")
            case Finished(usage=usage, timings=timings):
                rate = timings.output_tokens_per_s
                speed = f", {rate:,.0f} tok/s" if rate is not None else ", – tok/s"
                tokens = f"{usage.output_tokens or 0:,} tokens"
                if usage.output_estimated:
                    tokens = f"~{tokens} (est.)"
                if usage.cached_input_tokens:
                    tokens += f" ({usage.cached_input_tokens:,} input tokens cached)"
                self.line(event.model, f"done: {tokens} in {timings.total_s:.1f}s{speed}")
            case Failed(error=error, partial_text=partial):
                kept = f"; kept {len(partial):,} chars" if partial else ""
                self.line(event.model, f"failed [{error.code}] {error.message}{kept}")
            case Cancelled(partial_text=partial):
                self.line(event.model, f"cancelled; kept {len(partial):,} chars")


async def stream(session: SendSession, args: argparse.Namespace, ctx: CommandContext) -> int | None:
    """Run the session; the number of the signal that interrupted it, if one did."""
    progress = Progress(ctx, session.aliases)
    message = "interrupted: cancelling every model (partial outputs are kept)"
    with Interrupts(ctx, message, session.cancel_all) as interrupts:
        async with session:
            async for event in session.events():
                if args.events:
                    ctx.out(event_json(event))
                progress.show(event)
    return interrupts.signum


def run(args: argparse.Namespace, ctx: CommandContext) -> int:
    if args.continue_run is not None:
        from fiedler_tui.commands.send_continue import run_continue

        return run_continue(args, ctx)
    if args.earlier_prompt:
        raise UsageError("--earlier-prompt goes with --continue RUN_ID")
    if not args.paths:
        raise UsageError("send needs at least one PATH (or --continue RUN_ID)")
    settings = ctx.settings
    if args.output_dir:
        settings = settings.replace(output_dir=Path(args.output_dir).expanduser())
    store = RunStore(settings.output_dir, no_disk=settings.no_disk)
    if settings.retention_days:
        store.prune(settings.retention_days)
    resolved = ctx.resolve_keys()
    result = build_dry_run(args, ctx, resolved)
    for line in skipped_lines(result):  # what the package leaves out, before anything is sent
        ctx.err(line)
    refuse_if_blocked(result, resolved)
    keys = {name: key.value for name, key in resolved.items()}
    session = SendSession(
        config=ctx.config,
        settings=settings,
        keys=keys,
        result=result,
        aliases=[m.alias for m in result.models],
        store=store,
    )
    session.preflight()
    signum = asyncio.run(stream(session, args, ctx))
    all_saved = report_end(session, args, ctx)
    if signum is not None:
        return 128 + signum  # 130 for Ctrl-C, 143 for SIGTERM
    return 0 if session.status == "done" and all_saved else 1
