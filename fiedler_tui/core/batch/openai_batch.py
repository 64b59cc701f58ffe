"""OpenAI's Batch API: a JSONL file uploaded with ``purpose=batch``, then ``POST /batches``.

Limits: 50,000 requests and 200 MB per input file; window ``24h``. The batch carries the job and
part in its ``metadata``, so a batch created by a process killed before recording it is found by
listing ``GET /batches``. Results: the output file (answers) and the error file (failed, expired
and cancelled requests).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from fiedler_tui.core.batch.engine import (
    BatchEngine,
    Steps,
    delete_quietly,
    jsonl,
    read_id_status_counts,
)
from fiedler_tui.core.batch.http_calls import BatchHttp
from fiedler_tui.core.batch.results import RequestOutcome, obj, openai_outcome
from fiedler_tui.core.batch.state import PartEntry
from fiedler_tui.core.providers.base import WireRequest

ENDPOINT = "/v1/chat/completions"
LIST_PAGES = 10


def _iso(epoch: Any) -> str | None:
    if isinstance(epoch, int | float) and not isinstance(epoch, bool):
        return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")
    return None


class OpenAIBatches(BatchEngine):
    kind = "openai"
    max_requests = 50_000
    max_bytes = 200 * 1024 * 1024
    ended_statuses = frozenset({"completed", "expired", "cancelled", "failed"})

    def entry(self, custom_id: str, wire: WireRequest) -> dict[str, Any]:
        body = {k: v for k, v in wire.json.items() if k not in ("stream", "stream_options")}
        return {"custom_id": custom_id, "method": "POST", "url": ENDPOINT, "body": body}

    async def upload(
        self,
        http: BatchHttp,
        part: PartEntry,
        entries: list[dict[str, Any]],
        job_id: str,
        steps: Steps,
    ) -> None:
        if part.input_file_id is None:
            part.step = "uploading"
            steps.save()
            payload = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries).encode()
            files = {"file": (f"{job_id}-{part.part_id}.jsonl", payload, "application/jsonl")}
            uploaded = await http.json("POST", "/files", files=files, data={"purpose": "batch"})
            steps.effect_done()
            part.input_file_id = str(uploaded["id"])
            part.step = "creating"
            steps.save()

    def creation(
        self, http: BatchHttp, part: PartEntry, entries: list[dict[str, Any]], job_id: str
    ) -> tuple[str, dict[str, Any]]:
        body = {
            "input_file_id": part.input_file_id,
            "endpoint": ENDPOINT,
            "completion_window": "24h",
            "metadata": {"fiedler_job": job_id, "fiedler_part": part.part_id},
        }
        return "/batches", body

    async def find_created(
        self, http: BatchHttp, part: PartEntry, job_id: str
    ) -> dict[str, Any] | None:
        after: str | None = None
        for _ in range(LIST_PAGES):
            params = {"limit": "100", **({"after": after} if after else {})}
            page = await http.json("GET", "/batches", params=params, retry=True)
            data = page.get("data") if isinstance(page, dict) else None
            for batch in data if isinstance(data, list) else []:
                meta = batch.get("metadata") if isinstance(batch, dict) else None
                if (
                    isinstance(meta, dict)
                    and meta.get("fiedler_job") == job_id
                    and meta.get("fiedler_part") == part.part_id
                ):
                    return obj(batch)
            if not (isinstance(page, dict) and page.get("has_more") and data):
                return None
            after = str(data[-1].get("id"))
        return None

    def read_batch(self, part: PartEntry, batch: Any) -> None:
        if not isinstance(batch, dict):
            return
        read_id_status_counts(part, batch, "status")
        part.expires_at = _iso(batch.get("expires_at")) or part.expires_at
        part.output_file_id = batch.get("output_file_id") or part.output_file_id
        part.error_file_id = batch.get("error_file_id") or part.error_file_id

    async def refresh(self, http: BatchHttp, part: PartEntry) -> None:
        batch = await http.json("GET", f"/batches/{part.batch_id}", retry=True)
        self.read_batch(part, batch)

    async def outcomes(self, http: BatchHttp, part: PartEntry) -> list[RequestOutcome]:
        found: list[RequestOutcome] = []
        for file_id in (part.output_file_id, part.error_file_id):
            if not file_id:
                continue
            data = await http.call("GET", f"/files/{file_id}/content", retry=True)
            for line in jsonl(data):
                outcome = openai_outcome(line, http.provider, http.secrets)
                if outcome is not None and outcome.custom_id in part.custom_ids:
                    found.append(outcome)
        return found + self.missing(part, found)

    async def cancel(self, http: BatchHttp, part: PartEntry) -> None:
        batch = await http.json("POST", f"/batches/{part.batch_id}/cancel")
        self.read_batch(part, batch)

    async def forget(self, http: BatchHttp, part: PartEntry) -> None:
        for file_id in (part.input_file_id, part.output_file_id, part.error_file_id):
            if file_id:
                await delete_quietly(http, f"/files/{file_id}")
