"""Running a batch of turns at once through the shared Runner, as one stream of events.

Each turn is its own fan-out of one model (members send different conversations), all on the
same Runner, so concurrency limits, retries and the error taxonomy are the ones of ``send``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from fiedler_tui.core.config.schema import Config
from fiedler_tui.core.crosstalk.events import Phase, Role, TurnEvent, TurnRecord
from fiedler_tui.core.request import ReviewRequest
from fiedler_tui.core.runner import Cancelled, Failed, FanOut, Finished, Runner, TokenCounts
from fiedler_tui.core.store.summary import usage_cost


@dataclass(frozen=True)
class TurnJob:
    member: str
    letter: str | None
    role: Role
    request: ReviewRequest


class TurnBatch:
    """Turns of one round step, running concurrently; ``records`` fill in as they end."""

    def __init__(self, runner: Runner, round_number: int, phase: Phase) -> None:
        self._runner = runner
        self.round = round_number
        self.phase = phase
        self._fans: dict[str, FanOut] = {}
        self.records: dict[str, TurnRecord] = {}

    def cancel(self, member: str) -> bool:
        fan = self._fans.get(member)
        return fan is not None and fan.cancel(member)

    def cancel_all(self) -> None:
        for member, fan in self._fans.items():
            fan.cancel(member)

    async def run(self, jobs: Sequence[TurnJob]) -> AsyncIterator[TurnEvent]:
        queue: asyncio.Queue[TurnEvent | None] = asyncio.Queue()
        tasks = []
        for job in jobs:
            fan = self._runner.start(job.request, [job.member])
            self._fans[job.member] = fan
            tasks.append(asyncio.create_task(self._pump(job, fan, queue)))
        remaining = len(tasks)
        try:
            while remaining:
                item = await queue.get()
                if item is None:
                    remaining -= 1
                    continue
                yield item
        finally:
            self.cancel_all()
            await asyncio.gather(*tasks, return_exceptions=True)
            for job in jobs:  # a turn whose pump was stopped before its last event: cancelled
                self.records.setdefault(job.member, self._never_ended(job))
            for task in tasks:
                error = None if task.cancelled() else task.exception()
                if error is not None:
                    raise error

    async def _pump(
        self, job: TurnJob, fan: FanOut, queue: asyncio.Queue[TurnEvent | None]
    ) -> None:
        try:
            async with fan:
                async for event in fan:
                    if isinstance(event, Finished | Failed | Cancelled):
                        self.records[job.member] = self._record(job, event)
                    queue.put_nowait(
                        TurnEvent(
                            round=self.round,
                            phase=self.phase,
                            member=job.member,
                            letter=job.letter,
                            role=job.role,
                            event=event,
                        )
                    )
        finally:
            queue.put_nowait(None)

    def _never_ended(self, job: TurnJob) -> TurnRecord:
        """The record of a turn cancelled before its model's last event came (nothing kept)."""
        return TurnRecord(
            round=self.round,
            phase=self.phase,
            member=job.member,
            letter=job.letter,
            role=job.role,
            status="cancelled",
            text="",
            usage=TokenCounts(),
            cost_usd=0.0,
            error=None,
        )

    def _record(self, job: TurnJob, event: Finished | Failed | Cancelled) -> TurnRecord:
        if isinstance(event, Finished):
            text, status, error = event.text, "finished", None
        elif isinstance(event, Failed):
            text, status, error = event.partial_text, "failed", event.error
        else:
            text, status, error = event.partial_text, "cancelled", None
        return TurnRecord(
            round=self.round,
            phase=self.phase,
            member=job.member,
            letter=job.letter,
            role=job.role,
            status=status,  # type: ignore[arg-type]
            text=text,
            usage=event.usage,
            cost_usd=turn_cost(self._runner.config, job.member, event.usage),
            error=error,
        )


def turn_cost(config: Config, member: str, usage: TokenCounts) -> float:
    """USD for a turn's reported usage at the model's prices (cache prices and long-context
    tiers included)."""
    return usage_cost(
        config.resolve(member),
        usage.input_tokens or 0,
        usage.output_tokens or 0,
        cached_in=usage.cached_input_tokens or 0,
        cache_write=usage.cache_write_tokens or 0,
    )
