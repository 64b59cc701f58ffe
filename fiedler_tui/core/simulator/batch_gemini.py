"""Gemini batch mode, simulated: ``POST /v1beta/models/{model}:batchGenerateContent`` with
inline requests, ``GET /v1beta/batches``, ``GET /v1beta/batches/{id}`` (the answers inline once
it ended) and ``POST /v1beta/batches/{id}:cancel``."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from fiedler_tui.core.simulator.batch_core import Answer, BatchCore, SimBatch
from fiedler_tui.core.simulator.http11 import HttpRequest

_CREATE = re.compile(r"^(?P<prefix>.*)/v1beta/models/(?P<model>[^/:]+):batchGenerateContent$")
_BATCH = re.compile(r"^(?P<prefix>.*)/v1beta/(?P<name>batches/[^/:]+)(?::(?P<verb>cancel))?$")
_TOO_LONG = "The input token count exceeds the maximum number of tokens allowed."
_TYPE = "type.googleapis.com/google.ai.generativelanguage.v1main."


class GeminiBatchAPI:
    def __init__(self, core: BatchCore) -> None:
        self.core = core

    def route(self, request: HttpRequest) -> Callable[[], Answer] | None:
        path, method = request.path, request.method
        if (found := _CREATE.match(path)) and method == "POST":
            model = found["model"]
            return lambda: self._gemini_create(model, request)
        if path.endswith("/v1beta/batches") and method == "GET":
            return lambda: (
                200,
                {"operations": [self._gemini_op(b) for b in self.core.of("gemini")]},
            )
        if (found := _BATCH.match(path)) and method == "DELETE":
            name = found["name"]
            return lambda: self._delete(name)
        if found := _BATCH.match(path):
            name, verb = found["name"], found["verb"]
            return lambda: self._gemini_get(name, verb == "cancel")
        return None

    def _delete(self, name: str) -> tuple[int, Any]:
        if not self.core.delete_batch(name):
            message = f"{name} not found or still running"
            return 404, {"error": {"code": 404, "message": message, "status": "NOT_FOUND"}}
        return 200, {}

    def _gemini_create(self, model: str, request: HttpRequest) -> tuple[int, Any]:
        body = request.json() if request.body else {}
        spec: Mapping[str, Any] = body.get("batch") or {} if isinstance(body, dict) else {}
        inline = ((spec.get("inputConfig") or {}).get("requests") or {}).get("requests")
        if not isinstance(inline, list) or not inline:
            return 400, {
                "error": {
                    "code": 400,
                    "message": "batch.inputConfig: no requests",
                    "status": "INVALID_ARGUMENT",
                }
            }
        requests = [(str((i.get("metadata") or {}).get("key")), i.get("request")) for i in inline]
        batch = self.core.new("gemini", "batches/", model, requests)
        batch.metadata = {"displayName": spec.get("displayName")}
        return 200, self._gemini_op(batch)

    def _gemini_get(self, name: str, cancel: bool) -> tuple[int, Any]:
        batch = self.core.by_id.get(name)
        if batch is None:
            return 404, {
                "error": {"code": 404, "message": f"{name} not found", "status": "NOT_FOUND"}
            }
        if cancel:
            self.core.cancel(batch)
            return 200, {}
        self.core.poll(batch)
        return 200, self._gemini_op(batch)

    def _gemini_op(self, batch: SimBatch) -> dict[str, Any]:
        state = {
            "in_progress": "BATCH_STATE_RUNNING",
            "ended": "BATCH_STATE_SUCCEEDED",
            "cancelled": "BATCH_STATE_CANCELLED",
            "expired": "BATCH_STATE_EXPIRED",
        }[batch.state]
        operation: dict[str, Any] = {
            "name": batch.id,
            "metadata": {
                "@type": _TYPE + "GenerateContentBatch",
                "model": f"models/{batch.model}",
                "displayName": batch.metadata.get("displayName"),
                "state": state,
                "batchStats": {"requestCount": str(len(batch.requests))},
            },
            "done": batch.state != "in_progress",
        }
        if batch.state == "in_progress":
            return operation
        responses: list[dict[str, Any]] = []
        for custom_id, _ in batch.requests:
            result = batch.results.get(custom_id)
            if result is None:
                continue
            if "error" in result:
                responses.append(
                    {
                        "error": {
                            "code": 400,
                            "message": _TOO_LONG,
                            "status": "INVALID_ARGUMENT",
                        },
                        "metadata": {"key": custom_id},
                    }
                )
                continue
            responses.append(
                {
                    "response": {
                        "candidates": [
                            {
                                "content": {"role": "model", "parts": [{"text": result["text"]}]},
                                "finishReason": "STOP",
                            }
                        ],
                        "usageMetadata": {
                            "promptTokenCount": result["input"],
                            "candidatesTokenCount": result["output"],
                        },
                    },
                    "metadata": {"key": custom_id},
                }
            )
        operation["response"] = {
            "@type": _TYPE + "GenerateContentBatchOutput",
            "inlinedResponses": {"inlinedResponses": responses},
        }
        return operation
