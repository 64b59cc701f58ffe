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
from fiedler_tui.core.runner import Cancelled, Failed, RunEvent, TokenCounts
from fiedler_tui.core.runner.model_state import ModelState, ModelStatus
from fiedler_tui.core.send import SendSession
from fiedler_tui.core.store.run_store import RunStore


def event_json(event: RunEvent) -> str:
    """One event as a JSON object with its type name."""
    return json_line(event_fields(event))


class Progress:
    """One line on stderr whenever a model's state changes (core's :class:`ModelState`, the
    one reducer the recorder and the app follow too): queued, a new attempt, retrying and why,
    streaming, and how it ended with its tokens and times."""

    def __init__(self, ctx: CommandContext, models: list[str]) -> None:
        self._ctx = ctx
        self._start = time.monotonic()
        self._width = max((len(m) for m in models), default=0)
        self._states = {alias: ModelState(alias) for alias in models}

    def line(self, model: str, text: str) -> None:
        elapsed = time.monotonic() - self._start
        self._ctx.err(f"[{elapsed:6.1f}s] {model:<{self._width}}  {text}")

    def show(self, event: RunEvent) -> None:
        state = self._states.get(event.model)
        if state is None:
            return
        before = (state.status, state.provider, state.attempt, state.retries)
        if not state.apply(event) or before == (
            state.status,
            state.provider,
            state.attempt,
            state.retries,
        ):
            return
        text = _state_line(state, event)
        if text is not None:
            self.line(event.model, text)


def _state_line(state: ModelState, event: RunEvent) -> str | None:
    """What changed, in words (None for a first request: ``queued`` said it)."""
    match state.status:
        case ModelStatus.QUEUED:
            return f"queued ({state.provider})"
        case ModelStatus.REQUESTING:
            return f"attempt {state.attempt}" if state.attempt > 1 else None
        case ModelStatus.RETRYING:
            return f"retrying in {state.retry_delay_s or 0:.1f}s: {state.retry_reason}"
        case ModelStatus.STREAMING:
            return f"streaming (first token after {state.ttft_s or 0:.2f}s)"
        case ModelStatus.DONE:
            usage = state.final_usage or TokenCounts()
            rate = state.tokens_per_s
            speed = f", {rate:,.0f} tok/s" if rate is not None else ", – tok/s"
            tokens = f"{usage.output_tokens or 0:,} tokens"
            if usage.output_estimated:
                tokens = f"~{tokens} (est.)"
            if usage.cached_input_tokens:
                tokens += f" ({usage.cached_input_tokens:,} input tokens cached)"
            return f"done: {tokens} in {state.total_s or 0:.1f}s{speed}"
        case ModelStatus.FAILED:
            partial = event.partial_text if isinstance(event, Failed) else ""
            kept = f"; kept {len(partial):,} chars" if partial else ""
            error = state.error
            return f"failed [{error.code}] {error.message}{kept}" if error else "failed"
        case ModelStatus.CANCELLED:
            partial = event.partial_text if isinstance(event, Cancelled) else ""
            return f"cancelled; kept {len(partial):,} chars"


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
