"""What every provider's batch engine does for one part of a job, and the hooks it reports to.

A part is one provider batch: one model's requests, at most the provider's request count and
size. :meth:`BatchEngine.create` saves the part's state before each call with effects and
marks each call done, so a kill between any two of them is resumed by calling it again: a
batch that was created but not recorded is found (by its metadata, name or creation time)
instead of created twice.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fiedler_tui.core.batch.http_calls import BatchHttp
from fiedler_tui.core.batch.results import RequestOutcome, ended_without_answer
from fiedler_tui.core.batch.state import PartEntry
from fiedler_tui.core.providers.base import WireRequest
from fiedler_tui.core.providers.errors import ProviderError


@dataclass(frozen=True)
class Steps:
    """``save``: write the job's state now; ``effect_done``: a call with effects returned."""

    save: Callable[[], None]
    effect_done: Callable[[], None]


class BatchEngine(ABC):
    """One provider kind's batch API."""

    kind: str
    max_requests: int
    max_bytes: int
    ended_statuses: frozenset[str]

    @abstractmethod
    def entry(self, custom_id: str, wire: WireRequest) -> dict[str, Any]:
        """The request as the batch input carries it."""

    async def create(
        self,
        http: BatchHttp,
        part: PartEntry,
        entries: list[dict[str, Any]],
        job_id: str,
        steps: Steps,
    ) -> None:
        """Hand the part to the provider (resuming wherever a previous attempt stopped).

        The intent to create is saved before the call, so a batch created by a process killed
        before recording it is looked for (:meth:`find_created`) instead of created twice.
        """
        if part.batch_id is not None:
            return
        await self.upload(http, part, entries, job_id, steps)
        found = await self.find_created(http, part, job_id) if part.intent_at else None
        if found is None:
            path, body = self.creation(http, part, entries, job_id)
            part.intent_at = datetime.now(UTC).isoformat(timespec="seconds")
            part.step = "creating"
            steps.save()
            found = await http.json("POST", path, body=body)
            steps.effect_done()
        self.read_batch(part, found)
        part.step = "submitted"
        steps.save()

    async def upload(
        self,
        http: BatchHttp,
        part: PartEntry,
        entries: list[dict[str, Any]],
        job_id: str,
        steps: Steps,
    ) -> None:
        """What must reach the provider before the batch is created (nothing, unless a kind
        needs an input file)."""
        return

    @abstractmethod
    async def find_created(
        self, http: BatchHttp, part: PartEntry, job_id: str
    ) -> dict[str, Any] | None:
        """The provider's batch for this part that an earlier attempt created, if any."""

    @abstractmethod
    def creation(
        self, http: BatchHttp, part: PartEntry, entries: list[dict[str, Any]], job_id: str
    ) -> tuple[str, dict[str, Any]]:
        """The path and JSON body of the call that creates the part's batch."""

    @abstractmethod
    def read_batch(self, part: PartEntry, batch: Any) -> None:
        """Record the provider's batch (status, counts, expiry, results) in the part."""

    @abstractmethod
    async def refresh(self, http: BatchHttp, part: PartEntry) -> None:
        """Read the batch's status, counts, expiry and where its results are."""

    @abstractmethod
    async def outcomes(self, http: BatchHttp, part: PartEntry) -> list[RequestOutcome]:
        """Every request's outcome of an ended batch (read only)."""

    @abstractmethod
    async def cancel(self, http: BatchHttp, part: PartEntry) -> None:
        """Ask the provider to cancel the batch (what already ran is still returned)."""

    @abstractmethod
    async def forget(self, http: BatchHttp, part: PartEntry) -> None:
        """Delete what the provider keeps of an ended, fetched batch (one already gone is
        fine)."""

    def entry_bytes(self, entry: dict[str, Any]) -> int:
        return len(json.dumps(entry, ensure_ascii=False).encode()) + 1

    def ended(self, part: PartEntry) -> bool:
        return part.provider_status in self.ended_statuses

    def missing(self, part: PartEntry, found: list[RequestOutcome]) -> list[RequestOutcome]:
        """Outcomes for the part's requests its results do not name (never run)."""
        seen = {o.custom_id for o in found}
        status = part.provider_status or ""
        kind = "cancelled" if "cancel" in status.lower() else "expired"
        why = f"the batch ended ({status}) before this request ran"
        return [
            ended_without_answer(c, kind, part.provider, why)
            for c in part.custom_ids
            if c not in seen
        ]


def read_id_status_counts(part: PartEntry, batch: dict[str, Any], status_key: str) -> None:
    """Record a batch's ``id``, its status (the ``status_key`` field) and its integer
    ``request_counts`` in the part, keeping what the part holds where the batch has none."""
    part.batch_id = str(batch.get("id")) if batch.get("id") else part.batch_id
    part.provider_status = str(batch.get(status_key) or part.provider_status or "")
    counts = batch.get("request_counts")
    if isinstance(counts, dict):
        part.counts = {k: v for k, v in counts.items() if isinstance(v, int)}


async def delete_quietly(http: BatchHttp, path: str) -> None:
    """``DELETE path``; one that is gone already (404) is not an error."""
    try:
        await http.call("DELETE", path, retry=True)
    except ProviderError as exc:
        if exc.http_status != 404:
            raise


def jsonl(data: bytes) -> list[Any]:
    """The JSON values of a JSONL body (blank and malformed lines skipped)."""
    values: list[Any] = []
    for line in data.splitlines():
        if line.strip():
            try:
                values.append(json.loads(line))
            except ValueError:
                continue
    return values
