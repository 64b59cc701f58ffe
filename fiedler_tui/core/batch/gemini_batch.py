"""Gemini batch mode with inline requests: ``POST /models/{model}:batchGenerateContent`` with
``batch.inputConfig.requests.requests: [{request, metadata: {key}}]`` (under 20 MB in all),
polled at ``GET /batches/{id}`` until ``state`` ends; the answers come inline in the batch's
output, each with its ``metadata.key``.

The batch's ``displayName`` carries the job and part, so a batch created by a process killed
before recording it is found in ``GET /batches``.
"""

from __future__ import annotations

from typing import Any

from fiedler_tui.core.batch.engine import BatchEngine, delete_quietly
from fiedler_tui.core.batch.http_calls import BatchHttp
from fiedler_tui.core.batch.results import RequestOutcome, gemini_outcome, obj
from fiedler_tui.core.batch.state import PartEntry
from fiedler_tui.core.providers.base import WireRequest

STREAM_METHOD = ":streamGenerateContent?alt=sse"
LIST_PAGES = 10


def display_name(job_id: str, part: PartEntry) -> str:
    return f"fiedler-{job_id}-{part.part_id}"


class GeminiBatches(BatchEngine):
    kind = "gemini"
    max_requests = 100_000
    max_bytes = 20 * 1000 * 1000
    ended_statuses = frozenset(
        f"{prefix}_STATE_{end}"
        for prefix in ("BATCH", "JOB")  # the REST enum, and the SDKs' name for the same states
        for end in ("SUCCEEDED", "FAILED", "CANCELLED", "EXPIRED")
    )

    def __init__(self) -> None:
        self.model_paths: dict[str, str] = {}
        """Part id -> ``/models/{model}`` (from the requests' own URL)."""

    def entry(self, custom_id: str, wire: WireRequest) -> dict[str, Any]:
        return {"request": wire.json, "metadata": {"key": custom_id}, "_url": wire.url}

    def creation(
        self, http: BatchHttp, part: PartEntry, entries: list[dict[str, Any]], job_id: str
    ) -> tuple[str, dict[str, Any]]:
        url = str(entries[0]["_url"]) if entries else ""
        model = url.removeprefix(http.base_url).removesuffix(STREAM_METHOD)
        requests = [{k: v for k, v in e.items() if k != "_url"} for e in entries]
        body = {
            "batch": {
                "displayName": display_name(job_id, part),
                "inputConfig": {"requests": {"requests": requests}},
            }
        }
        return f"{model}:batchGenerateContent", body

    def entry_bytes(self, entry: dict[str, Any]) -> int:
        return super().entry_bytes({k: v for k, v in entry.items() if k != "_url"})

    async def find_created(
        self, http: BatchHttp, part: PartEntry, job_id: str
    ) -> dict[str, Any] | None:
        token: str | None = None
        wanted = display_name(job_id, part)
        for _ in range(LIST_PAGES):
            params = {"pageSize": "100", **({"pageToken": token} if token else {})}
            page = await http.json("GET", "/batches", params=params, retry=True)
            operations = page.get("operations") if isinstance(page, dict) else None
            for operation in operations if isinstance(operations, list) else []:
                meta = operation.get("metadata") if isinstance(operation, dict) else None
                if isinstance(meta, dict) and meta.get("displayName") == wanted:
                    return obj(operation)
            token = page.get("nextPageToken") if isinstance(page, dict) else None
            if not token:
                return None
        return None

    def read_batch(self, part: PartEntry, operation: Any) -> None:
        if not isinstance(operation, dict):
            return
        part.batch_id = str(operation.get("name") or part.batch_id or "")
        meta = obj(operation.get("metadata"))
        part.provider_status = str(meta.get("state") or part.provider_status or "")
        stats = meta.get("batchStats")
        if isinstance(stats, dict):
            part.counts = {k: int(v) for k, v in stats.items() if str(v).isdigit()}

    async def refresh(self, http: BatchHttp, part: PartEntry) -> None:
        self.read_batch(part, await http.json("GET", f"/{part.batch_id}", retry=True))

    async def outcomes(self, http: BatchHttp, part: PartEntry) -> list[RequestOutcome]:
        operation = await http.json("GET", f"/{part.batch_id}", retry=True)
        self.read_batch(part, operation)
        items: list[Any] = []
        meta = obj(obj(operation).get("metadata"))
        for holder in (obj(operation).get("response"), meta.get("output")):
            inlined = holder.get("inlinedResponses") if isinstance(holder, dict) else None
            inner = inlined.get("inlinedResponses") if isinstance(inlined, dict) else None
            if isinstance(inner, list):
                items = inner
                break
        wanted = set(part.custom_ids)
        found = [
            o
            for o in (gemini_outcome(item, http.provider, http.secrets) for item in items)
            if o is not None and o.custom_id in wanted
        ]
        return found + self.missing(part, found)

    async def cancel(self, http: BatchHttp, part: PartEntry) -> None:
        await http.call("POST", f"/{part.batch_id}:cancel")
        await self.refresh(http, part)

    async def forget(self, http: BatchHttp, part: PartEntry) -> None:
        await delete_quietly(http, f"/{part.batch_id}")
