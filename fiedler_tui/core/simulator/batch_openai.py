"""OpenAI's Batch API, simulated: ``POST /v1/files`` (multipart, purpose ``batch``),
``POST/GET /v1/batches``, ``GET /v1/batches/{id}``, ``POST …/cancel``, and the output and error
files at ``GET /v1/files/{id}/content``."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any

from fiedler_tui.core.simulator.batch_core import Answer, BatchCore, SimBatch, multipart_file
from fiedler_tui.core.simulator.http11 import HttpRequest

_BATCH = re.compile(r"^(?P<prefix>.*)/v1/batches/(?P<id>[^/]+)(?P<cancel>/cancel)?$")
_FILE = re.compile(r"^(?P<prefix>.*)/v1/files/(?P<id>[^/]+)/content$")
_ONE_FILE = re.compile(r"^(?P<prefix>.*)/v1/files/(?P<id>[^/]+)$")
_TOO_LONG = (
    "This model's maximum context length is 128000 tokens. However, your messages resulted in "
    "250000 tokens."
)


class OpenAIBatchAPI:
    def __init__(self, core: BatchCore) -> None:
        self.core = core

    def route(self, request: HttpRequest) -> Callable[[], Answer] | None:
        path, method = request.path, request.method
        if method == "POST" and path.endswith("/v1/files"):
            return lambda: self._upload(request)
        if path.endswith("/v1/batches"):
            if method == "POST":
                return lambda: self._openai_create(request)
            return lambda: (200, self._openai_list())
        if (found := _ONE_FILE.match(path)) and method == "DELETE":
            file_id = found["id"]
            return lambda: self._delete_file(file_id)
        if (found := _FILE.match(path)) and method == "GET":
            file_id = found["id"]
            return lambda: self._file(file_id)
        if found := _BATCH.match(path):
            batch_id, cancel = found["id"], bool(found["cancel"])
            return lambda: self._openai_get(batch_id, cancel)
        return None

    def _upload(self, request: HttpRequest) -> tuple[int, Any]:
        parsed = multipart_file(request)
        if parsed is None or parsed[1].get("purpose") != "batch":
            return 400, {
                "error": {
                    "message": "expected a file with purpose batch",
                    "type": "invalid_request_error",
                    "param": "file",
                    "code": None,
                }
            }
        file_id = f"file-{next(self.core.ids):06d}"
        self.core.files[file_id] = parsed[0]
        return 200, {
            "id": file_id,
            "object": "file",
            "bytes": len(parsed[0]),
            "purpose": "batch",
            "created_at": int(time.time()),
        }

    def _openai_create(self, request: HttpRequest) -> tuple[int, Any]:
        body = request.json() if request.body else {}
        data = self.core.files.get(str(body.get("input_file_id")))
        if data is None:
            return 404, {
                "error": {
                    "message": "No such file",
                    "type": "invalid_request_error",
                    "param": "input_file_id",
                    "code": None,
                }
            }
        lines = [json.loads(line) for line in data.splitlines() if line.strip()]
        model = str(lines[0]["body"].get("model", "")) if lines else ""
        requests = [(str(line["custom_id"]), line["body"]) for line in lines]
        batch = self.core.new("openai", "batch_", model, requests)
        batch.metadata = dict(body.get("metadata") or {})
        batch.extra["input_file_id"] = body.get("input_file_id")
        return 200, self._openai_json(batch)

    def _openai_list(self) -> dict[str, Any]:
        return {
            "object": "list",
            "data": [self._openai_json(b) for b in self.core.of("openai")],
            "has_more": False,
        }

    def _openai_get(self, batch_id: str, cancel: bool) -> tuple[int, Any]:
        batch = self.core.by_id.get(batch_id)
        if batch is None:
            return 404, {
                "error": {
                    "message": f"No batch with id '{batch_id}'",
                    "type": "invalid_request_error",
                    "param": None,
                    "code": None,
                }
            }
        if cancel:
            self.core.cancel(batch)
        else:
            self.core.poll(batch)
        return 200, self._openai_json(batch)

    def _openai_json(self, batch: SimBatch) -> dict[str, Any]:
        status = {
            "in_progress": "in_progress",
            "ended": "completed",
            "cancelled": "cancelled",
            "expired": "expired",
        }[batch.state]
        done = [c for c, r in batch.results.items() if "error" not in r]
        failed = [c for c, r in batch.results.items() if "error" in r]
        ended = batch.state != "in_progress"
        if ended and "output_file_id" not in batch.extra:
            self._openai_files(batch, done, failed)
        return {
            "id": batch.id,
            "object": "batch",
            "endpoint": "/v1/chat/completions",
            "input_file_id": batch.extra.get("input_file_id"),
            "completion_window": "24h",
            "status": status,
            "output_file_id": batch.extra.get("output_file_id"),
            "error_file_id": batch.extra.get("error_file_id"),
            "created_at": int(batch.created),
            "expires_at": int(batch.created) + 86400,
            "request_counts": {
                "total": len(batch.requests),
                "completed": len(done),
                "failed": len(failed),
            },
            "metadata": batch.metadata,
        }

    def _openai_files(self, batch: SimBatch, done: list[str], failed: list[str]) -> None:
        output: list[str] = []
        errors: list[str] = []
        for custom_id, _ in batch.requests:
            result = batch.results.get(custom_id)
            if result is None:
                code = "batch_expired" if batch.state == "expired" else "batch_cancelled"
                errors.append(
                    json.dumps(
                        {
                            "id": f"req_{custom_id}",
                            "custom_id": custom_id,
                            "response": None,
                            "error": {
                                "code": code,
                                "message": f"not executed before the batch ended ({code})",
                            },
                        }
                    )
                )
            elif "error" in result:
                body = {
                    "error": {
                        "message": _TOO_LONG,
                        "type": "invalid_request_error",
                        "param": "messages",
                        "code": "context_length_exceeded",
                    }
                }
                errors.append(
                    json.dumps(
                        {
                            "id": f"req_{custom_id}",
                            "custom_id": custom_id,
                            "response": {
                                "status_code": 400,
                                "request_id": f"r{custom_id}",
                                "body": body,
                            },
                            "error": None,
                        }
                    )
                )
            else:
                completion = {
                    "id": f"chatcmpl-{custom_id}",
                    "object": "chat.completion",
                    "model": batch.model,
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": result["text"]},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": {
                        "prompt_tokens": result["input"],
                        "completion_tokens": result["output"],
                        "total_tokens": result["input"] + result["output"],
                    },
                }
                output.append(
                    json.dumps(
                        {
                            "id": f"req_{custom_id}",
                            "custom_id": custom_id,
                            "response": {
                                "status_code": 200,
                                "request_id": f"r{custom_id}",
                                "body": completion,
                            },
                            "error": None,
                        }
                    )
                )
        for key, lines in (("output_file_id", output), ("error_file_id", errors)):
            if lines:
                file_id = f"file-{next(self.core.ids):06d}"
                self.core.files[file_id] = ("\n".join(lines) + "\n").encode()
                batch.extra[key] = file_id

    def _delete_file(self, file_id: str) -> tuple[int, Any]:
        if self.core.files.pop(file_id, None) is None:
            return self._file(file_id)  # its 404
        self.core.deleted.append(file_id)
        return 200, {"id": file_id, "object": "file", "deleted": True}

    def _file(self, file_id: str) -> tuple[int, Any]:
        data = self.core.files.get(file_id)
        if data is None:
            return 404, {
                "error": {
                    "message": "No such file",
                    "type": "invalid_request_error",
                    "param": None,
                    "code": None,
                }
            }
        return 200, data
