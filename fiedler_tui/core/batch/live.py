"""The part of a batch job sent to models without a batch engine: ordinary requests, each unit's
to those models at once, at most ``limit`` units at a time (the runner's provider limits apply
as in a send). Each answer is recorded as it ends, so a job cut short sends only what had not
ended."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from fiedler_tui.core.batch.plan import BatchPlan
from fiedler_tui.core.batch.results import RequestOutcome
from fiedler_tui.core.batch.state import JobState
from fiedler_tui.core.runner import Failed, Finished, RunEvent, Runner


def outcome_of(custom_id: str, event: RunEvent) -> RequestOutcome | None:
    """A finished or failed model run as a request's outcome (None for other events)."""
    if isinstance(event, Finished):
        return RequestOutcome(
            custom_id,
            "done",
            text=event.text,
            finish_reason=str(event.finish_reason),
            usage_input=event.usage.input_tokens,
            usage_output=event.usage.output_tokens,
            usage_cached_input=event.usage.cached_input_tokens,
        )
    if isinstance(event, Failed):
        return RequestOutcome(custom_id, "failed", error=event.error)
    return None


async def run_live(
    job: JobState,
    plan: BatchPlan,
    runner: Runner,
    record: Callable[[RequestOutcome], None],
    limit: int,
) -> None:
    """Send every pending request of the job's live models; ``record`` each outcome."""
    live = {m.alias for m in job.models if m.mode == "live"}
    pending = [r for r in job.requests.values() if r.model in live and r.status == "pending"]
    by_unit: dict[int, list[str]] = {}
    for request in pending:
        by_unit.setdefault(request.unit, []).append(request.model)
    ids = {(r.unit, r.model): r.custom_id for r in pending}
    gate = asyncio.Semaphore(limit)

    async def one_unit(index: int, aliases: list[str]) -> None:
        async with gate:
            requests = {alias: plan.review_request(index, alias) for alias in aliases}
            fan = runner.start(requests, aliases)
            async with fan:
                async for event in fan:
                    outcome = outcome_of(ids[(index, event.model)], event)
                    if outcome is not None:
                        record(outcome)

    await asyncio.gather(*(one_unit(i, a) for i, a in sorted(by_unit.items())))
