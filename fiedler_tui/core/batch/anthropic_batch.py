"""Anthropic's Message Batches: ``POST /v1/messages/batches`` with ``requests: [{custom_id,
params}]``, polled until ``processing_status`` is ``ended``, results as JSONL at ``results_url``.

Limits: 100,000 requests or 256 MB per batch; a batch expires 24 h after creation and its
results are kept 29 days. A message batch carries no metadata of ours, so a batch created by a
process killed before recording it is recognised in ``GET /v1/messages/batches`` by being
created after the recorded intent with exactly this part's number of requests (and not being
another part's).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fiedler_tui.core.batch.engine import BatchEngine, delete_quietly, jsonl, read_id_status_counts
from fiedler_tui.core.batch.http_calls import BatchHttp
from fiedler_tui.core.batch.results import RequestOutcome, anthropic_outcome
from fiedler_tui.core.batch.state import PartEntry
from fiedler_tui.core.providers.base import WireRequest

PATH = "/v1/messages/batches"
CLOCK_SLACK = timedelta(minutes=2)
"""How far the provider's clock may be behind ours when a batch is looked for."""


def _when(text: Any) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class AnthropicBatches(BatchEngine):
    kind = "anthropic"
    max_requests = 100_000
    max_bytes = 256 * 1024 * 1024
    ended_statuses = frozenset({"ended"})

    def __init__(self, taken: set[str] | None = None) -> None:
        self.taken = taken if taken is not None else set()
        """Batch ids other parts of the job hold (never adopted for this one)."""

    def entry(self, custom_id: str, wire: WireRequest) -> dict[str, Any]:
        params = {k: v for k, v in wire.json.items() if k != "stream"}
        return {"custom_id": custom_id, "params": params}

    def creation(
        self, http: BatchHttp, part: PartEntry, entries: list[dict[str, Any]], job_id: str
    ) -> tuple[str, dict[str, Any]]:
        return PATH, {"requests": entries}

    async def find_created(
        self, http: BatchHttp, part: PartEntry, job_id: str
    ) -> dict[str, Any] | None:
        since = _when(part.intent_at)
        if since is None:
            return None
        page = await http.json("GET", PATH, params={"limit": "100"}, retry=True)
        data = page.get("data") if isinstance(page, dict) else None
        for batch in data if isinstance(data, list) else []:
            if not isinstance(batch, dict) or batch.get("id") in self.taken:
                continue
            created = _when(batch.get("created_at"))
            counts = batch.get("request_counts")
            total = (
                sum(v for v in counts.values() if isinstance(v, int))
                if isinstance(counts, dict)
                else -1
            )
            if (
                created is not None
                and created >= since - CLOCK_SLACK
                and total == len(part.custom_ids)
            ):
                return batch
        return None

    def read_batch(self, part: PartEntry, batch: Any) -> None:
        if not isinstance(batch, dict):
            return
        read_id_status_counts(part, batch, "processing_status")
        part.expires_at = batch.get("expires_at") or part.expires_at
        part.results_url = batch.get("results_url") or part.results_url

    async def refresh(self, http: BatchHttp, part: PartEntry) -> None:
        self.read_batch(part, await http.json("GET", f"{PATH}/{part.batch_id}", retry=True))

    async def outcomes(self, http: BatchHttp, part: PartEntry) -> list[RequestOutcome]:
        if not part.results_url:
            return self.missing(part, [])
        data = await http.call("GET", part.results_url, retry=True)
        wanted = set(part.custom_ids)
        found = [
            o
            for o in (anthropic_outcome(line, http.provider, http.secrets) for line in jsonl(data))
            if o is not None and o.custom_id in wanted
        ]
        return found + self.missing(part, found)

    async def cancel(self, http: BatchHttp, part: PartEntry) -> None:
        self.read_batch(part, await http.json("POST", f"{PATH}/{part.batch_id}/cancel"))

    async def forget(self, http: BatchHttp, part: PartEntry) -> None:
        await delete_quietly(http, f"{PATH}/{part.batch_id}")
