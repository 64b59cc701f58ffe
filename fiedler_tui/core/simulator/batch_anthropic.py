"""Anthropic's Message Batches, simulated: ``POST/GET /v1/messages/batches``,
``GET …/{id}``, ``POST …/{id}/cancel`` and the JSONL results at ``…/{id}/results``."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any

from fiedler_tui.core.simulator.batch_core import Answer, BatchCore, SimBatch, iso
from fiedler_tui.core.simulator.http11 import HttpRequest

_BATCH = re.compile(
    r"^(?P<prefix>.*)/v1/messages/batches/(?P<id>[^/]+)(?P<verb>/cancel|/results)?$"
)
_FAILED_MESSAGE = "prompt is too long: 250000 tokens > 200000 maximum"


class AnthropicBatchAPI:
    def __init__(self, core: BatchCore) -> None:
        self.core = core

    def route(self, request: HttpRequest) -> Callable[[], Answer] | None:
        path, method = request.path, request.method
        if path.endswith("/v1/messages/batches"):
            if method == "POST":
                return lambda: self._anthropic_create(request)
            return lambda: (200, self._anthropic_list())
        if (found := _BATCH.match(path)) and method == "DELETE":
            batch_id = found["id"]
            return lambda: self._delete(batch_id)
        if found := _BATCH.match(path):
            batch_id, verb = found["id"], found["verb"] or ""
            root = path.removesuffix(verb)
            return lambda: self._anthropic_get(batch_id, verb, request, root)
        return None

    def _delete(self, batch_id: str) -> tuple[int, Any]:
        if not self.core.delete_batch(batch_id):
            message = f"batch {batch_id} not found or still processing"
            return 404, {"type": "error", "error": {"type": "not_found_error", "message": message}}
        return 200, {"id": batch_id, "type": "message_batch_deleted"}

    def _anthropic_create(self, request: HttpRequest) -> tuple[int, Any]:
        body = request.json() if request.body else {}
        items = body.get("requests") if isinstance(body, dict) else None
        if not isinstance(items, list) or not items:
            return 400, {
                "type": "error",
                "error": {
                    "type": "invalid_request_error",
                    "message": "requests: at least one request is required",
                },
            }
        model = str(items[0].get("params", {}).get("model", ""))
        batch = self.core.new(
            "anthropic", "msgbatch_", model, [(str(i["custom_id"]), i["params"]) for i in items]
        )
        return 200, self._anthropic_json(batch, "")

    def _anthropic_list(self) -> dict[str, Any]:
        return {
            "data": [self._anthropic_json(b, "") for b in self.core.of("anthropic")],
            "has_more": False,
        }

    def _anthropic_get(
        self, batch_id: str, verb: str, request: HttpRequest, root: str
    ) -> tuple[int, Any]:
        batch = self.core.by_id.get(batch_id)
        if batch is None:
            return 404, {
                "type": "error",
                "error": {"type": "not_found_error", "message": f"batch {batch_id} not found"},
            }
        base = f"http://{request.headers.get('host', '')}{root}"
        if verb == "/cancel":
            self.core.cancel(batch)
            return 200, self._anthropic_json(batch, base)
        if verb == "/results":
            if batch.state == "in_progress":
                return 400, {
                    "type": "error",
                    "error": {
                        "type": "invalid_request_error",
                        "message": "the batch has not ended",
                    },
                }
            return 200, self._anthropic_results(batch)
        self.core.poll(batch)
        return 200, self._anthropic_json(batch, base)

    def _anthropic_json(self, batch: SimBatch, base: str) -> dict[str, Any]:
        ended = batch.state != "in_progress"
        counts = {"processing": 0, "succeeded": 0, "errored": 0, "canceled": 0, "expired": 0}
        for custom_id, _ in batch.requests:
            result = batch.results.get(custom_id)
            if not ended:
                counts["processing"] += 1
            elif result is None:
                counts["expired" if batch.state == "expired" else "canceled"] += 1
            else:
                counts["errored" if "error" in result else "succeeded"] += 1
        return {
            "id": batch.id,
            "type": "message_batch",
            "processing_status": "ended" if ended else "in_progress",
            "request_counts": counts,
            "created_at": iso(batch.created),
            "expires_at": iso(batch.created + 86400),
            "ended_at": iso(time.time()) if ended else None,
            "results_url": f"{base}/results" if ended and base else None,
        }

    def _anthropic_results(self, batch: SimBatch) -> bytes:
        lines: list[str] = []
        for custom_id, _ in batch.requests:
            result = batch.results.get(custom_id)
            if result is None:
                kind = "expired" if batch.state == "expired" else "canceled"
                outcome: dict[str, Any] = {"type": kind}
            elif "error" in result:
                outcome = {
                    "type": "errored",
                    "error": {
                        "type": "error",
                        "error": {"type": "invalid_request_error", "message": _FAILED_MESSAGE},
                    },
                }
            else:
                outcome = {
                    "type": "succeeded",
                    "message": {
                        "id": f"msg_{custom_id}",
                        "type": "message",
                        "role": "assistant",
                        "model": batch.model,
                        "content": [{"type": "text", "text": result["text"]}],
                        "stop_reason": "end_turn",
                        "usage": {
                            "input_tokens": result["input"],
                            "output_tokens": result["output"],
                        },
                    },
                }
            lines.append(json.dumps({"custom_id": custom_id, "result": outcome}))
        return ("\n".join(lines) + "\n").encode()
