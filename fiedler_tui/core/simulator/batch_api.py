"""The three batch APIs, simulated: OpenAI (files + ``/v1/batches``), Anthropic
(``/v1/messages/batches``) and Gemini batch mode (``:batchGenerateContent`` with inline
requests, ``/v1beta/batches``).

Each batch answers every request from the model's script (its reply; usage from the simulator's
token stand-in) once it ends. :class:`BatchBehaviour` scripts the rest: how many status reads a
batch stays in progress (``polls_to_end``), which custom ids fail on their own
(``failing_ids``: the dialect's 400), and a batch that expires with only its first
``expire_after`` requests done. ``received`` counts every request handed in, by custom id, so
tests can prove none was sent twice.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fiedler_tui.core.simulator.http11 import HttpRequest, Responder
from fiedler_tui.core.simulator.script import ModelScript, count_tokens
from fiedler_tui.core.simulator.wire_anthropic import AnthropicDialect
from fiedler_tui.core.simulator.wire_gemini import GeminiDialect
from fiedler_tui.core.simulator.wire_openai import OpenAIDialect

_OPENAI = OpenAIDialect()
_ANTHROPIC = AnthropicDialect()
_GEMINI = GeminiDialect()
_GEMINI_CREATE = re.compile(
    r"^(?P<prefix>.*)/v1beta/models/(?P<model>[^/:]+):batchGenerateContent$"
)
_GEMINI_BATCH = re.compile(
    r"^(?P<prefix>.*)/v1beta/(?P<name>batches/[^/:]+)(?::(?P<verb>cancel))?$"
)
_OPENAI_BATCH = re.compile(r"^(?P<prefix>.*)/v1/batches/(?P<id>[^/]+)(?P<cancel>/cancel)?$")
_OPENAI_FILE = re.compile(r"^(?P<prefix>.*)/v1/files/(?P<id>[^/]+)/content$")
_ANTHROPIC_BATCH = re.compile(
    r"^(?P<prefix>.*)/v1/messages/batches/(?P<id>[^/]+)(?P<verb>/cancel|/results)?$"
)
_FAILED_MESSAGE = "prompt is too long: 250000 tokens > 200000 maximum"
_OPENAI_TOO_LONG = (
    "This model's maximum context length is 128000 tokens. However, your messages resulted in "
    "250000 tokens."
)
_GEMINI_TOO_LONG = "The input token count exceeds the maximum number of tokens allowed."
_GEMINI_TYPE = "type.googleapis.com/google.ai.generativelanguage.v1main."


@dataclass
class BatchBehaviour:
    """How the simulated batch engines behave (change it between steps of a test)."""

    polls_to_end: int = 0
    """Status reads a batch answers as in progress before it ends."""
    failing_ids: frozenset[str] = frozenset()
    """Custom ids whose request fails on its own (the dialect's 400)."""
    expire_after: int | None = None
    """When set, a batch expires once it has done this many of its requests."""


@dataclass
class SimBatch:
    """One simulated batch, of any dialect."""

    dialect: str
    id: str
    model: str
    requests: list[tuple[str, Any]]
    """(custom id, request body) in the order given."""
    created: float
    metadata: dict[str, Any] = field(default_factory=dict)
    polls: int = 0
    state: str = "in_progress"
    """in_progress, ended, cancelled, expired."""
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Custom id -> outcome (``text``/``input``/``output``, or ``error``) once ended."""
    extra: dict[str, Any] = field(default_factory=dict)


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat().replace("+00:00", "Z")


def _multipart_file(request: HttpRequest) -> tuple[bytes, dict[str, str]] | None:
    """The ``file`` part and the other fields of a multipart/form-data body."""
    match = re.search(r"boundary=\"?([^\";]+)\"?", request.headers.get("content-type", ""))
    if match is None:
        return None
    boundary = b"--" + match.group(1).encode()
    content: bytes | None = None
    fields: dict[str, str] = {}
    for chunk in request.body.split(boundary):
        head, sep, data = chunk.partition(b"\r\n\r\n")
        if not sep:
            continue
        data = data.removesuffix(b"\r\n")
        name = re.search(rb'name="([^"]+)"', head)
        if name is None:
            continue
        if name.group(1) == b"file":
            content = data
        else:
            fields[name.group(1).decode()] = data.decode("utf-8", "replace")
    return None if content is None else (content, fields)


class BatchService:
    """The batch endpoints of one simulator (see the module's docstring)."""

    def __init__(self, script_for: Callable[[str], ModelScript | None]) -> None:
        self.behaviour = BatchBehaviour()
        self.received: Counter[str] = Counter()
        """Requests handed in inside batches, by custom id."""
        self.creates: Counter[str] = Counter()
        """Batches created, by dialect."""
        self._script_for = script_for
        self._files: dict[str, bytes] = {}
        self._batches: dict[str, SimBatch] = {}
        self._ids = itertools.count(1)

    def reset(self) -> None:
        self.received.clear()
        self.creates.clear()
        self._files.clear()
        self._batches.clear()

    @property
    def batches(self) -> list[SimBatch]:
        return list(self._batches.values())

    # routing -------------------------------------------------------------------------------------

    async def handle(self, request: HttpRequest, responder: Responder) -> bool:
        """Answer ``request`` when it is a batch endpoint; False otherwise."""
        route = self._route(request)
        if route is None:
            return False
        status, payload = route()
        if isinstance(payload, bytes):
            await responder.send(status, payload, content_type="application/jsonl")
        else:
            await responder.send_json(status, payload)
        return True

    def _route(self, request: HttpRequest) -> Callable[[], tuple[int, Any]] | None:
        path, method = request.path, request.method
        if method == "POST" and path.endswith("/v1/files"):
            return lambda: self._upload(request)
        if path.endswith("/v1/batches"):
            if method == "POST":
                return lambda: self._openai_create(request)
            return lambda: (200, self._openai_list())
        if (found := _OPENAI_FILE.match(path)) and method == "GET":
            file_id = found["id"]
            return lambda: self._file(file_id)
        if found := _OPENAI_BATCH.match(path):
            batch_id, cancel = found["id"], bool(found["cancel"])
            return lambda: self._openai_get(batch_id, cancel)
        if path.endswith("/v1/messages/batches"):
            if method == "POST":
                return lambda: self._anthropic_create(request)
            return lambda: (200, self._anthropic_list())
        if found := _ANTHROPIC_BATCH.match(path):
            batch_id, verb = found["id"], found["verb"] or ""
            root = path.removesuffix(verb)
            return lambda: self._anthropic_get(batch_id, verb, request, root)
        if (found := _GEMINI_CREATE.match(path)) and method == "POST":
            model = found["model"]
            return lambda: self._gemini_create(model, request)
        if path.endswith("/v1beta/batches") and method == "GET":
            return lambda: (200, {"operations": [self._gemini_op(b) for b in self._of("gemini")]})
        if found := _GEMINI_BATCH.match(path):
            name, verb = found["name"], found["verb"]
            return lambda: self._gemini_get(name, verb == "cancel")
        return None

    # common --------------------------------------------------------------------------------------

    def _of(self, dialect: str) -> list[SimBatch]:
        return sorted(
            (b for b in self._batches.values() if b.dialect == dialect),
            key=lambda b: b.created,
            reverse=True,
        )

    def _new(
        self, dialect: str, prefix: str, model: str, requests: list[tuple[str, Any]]
    ) -> SimBatch:
        batch = SimBatch(dialect, f"{prefix}{next(self._ids):06d}", model, requests, time.time())
        for custom_id, _ in requests:
            self.received[custom_id] += 1
        self.creates[dialect] += 1
        self._batches[batch.id] = batch
        return batch

    def _poll(self, batch: SimBatch) -> None:
        """A status read: the batch ends after ``polls_to_end`` of them."""
        if batch.state != "in_progress":
            return
        batch.polls += 1
        if batch.polls > self.behaviour.polls_to_end:
            self._finish(batch, "ended")

    def _finish(self, batch: SimBatch, state: str) -> None:
        limit = self.behaviour.expire_after
        ran = batch.requests if state == "ended" else []
        if state == "ended" and limit is not None and limit < len(batch.requests):
            ran, state = batch.requests[:limit], "expired"
        dialect = {"openai": _OPENAI, "anthropic": _ANTHROPIC, "gemini": _GEMINI}[batch.dialect]
        for custom_id, body in ran:
            if custom_id in self.behaviour.failing_ids:
                batch.results[custom_id] = {"error": True}
                continue
            script = self._script_for(batch.model) or ModelScript()
            batch.results[custom_id] = {
                "text": script.reply,
                "input": count_tokens(dialect.prompt_text(body)),
                "output": len(script.tokens()),
            }
        batch.state = state

    def _cancel(self, batch: SimBatch) -> None:
        if batch.state == "in_progress":
            batch.state = "cancelled"

    # OpenAI --------------------------------------------------------------------------------------

    def _upload(self, request: HttpRequest) -> tuple[int, Any]:
        parsed = _multipart_file(request)
        if parsed is None or parsed[1].get("purpose") != "batch":
            return 400, {
                "error": {
                    "message": "expected a file with purpose batch",
                    "type": "invalid_request_error",
                    "param": "file",
                    "code": None,
                }
            }
        file_id = f"file-{next(self._ids):06d}"
        self._files[file_id] = parsed[0]
        return 200, {
            "id": file_id,
            "object": "file",
            "bytes": len(parsed[0]),
            "purpose": "batch",
            "created_at": int(time.time()),
        }

    def _openai_create(self, request: HttpRequest) -> tuple[int, Any]:
        body = request.json() if request.body else {}
        data = self._files.get(str(body.get("input_file_id")))
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
        batch = self._new("openai", "batch_", model, requests)
        batch.metadata = dict(body.get("metadata") or {})
        batch.extra["input_file_id"] = body.get("input_file_id")
        return 200, self._openai_json(batch)

    def _openai_list(self) -> dict[str, Any]:
        return {
            "object": "list",
            "data": [self._openai_json(b) for b in self._of("openai")],
            "has_more": False,
        }

    def _openai_get(self, batch_id: str, cancel: bool) -> tuple[int, Any]:
        batch = self._batches.get(batch_id)
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
            self._cancel(batch)
        else:
            self._poll(batch)
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
                        "message": _OPENAI_TOO_LONG,
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
                file_id = f"file-{next(self._ids):06d}"
                self._files[file_id] = ("\n".join(lines) + "\n").encode()
                batch.extra[key] = file_id

    def _file(self, file_id: str) -> tuple[int, Any]:
        data = self._files.get(file_id)
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

    # Anthropic -----------------------------------------------------------------------------------

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
        batch = self._new(
            "anthropic", "msgbatch_", model, [(str(i["custom_id"]), i["params"]) for i in items]
        )
        return 200, self._anthropic_json(batch, "")

    def _anthropic_list(self) -> dict[str, Any]:
        return {
            "data": [self._anthropic_json(b, "") for b in self._of("anthropic")],
            "has_more": False,
        }

    def _anthropic_get(
        self, batch_id: str, verb: str, request: HttpRequest, root: str
    ) -> tuple[int, Any]:
        batch = self._batches.get(batch_id)
        if batch is None:
            return 404, {
                "type": "error",
                "error": {"type": "not_found_error", "message": f"batch {batch_id} not found"},
            }
        base = f"http://{request.headers.get('host', '')}{root}"
        if verb == "/cancel":
            self._cancel(batch)
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
        self._poll(batch)
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
            "created_at": _iso(batch.created),
            "expires_at": _iso(batch.created + 86400),
            "ended_at": _iso(time.time()) if ended else None,
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

    # Gemini --------------------------------------------------------------------------------------

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
        batch = self._new("gemini", "batches/", model, requests)
        batch.metadata = {"displayName": spec.get("displayName")}
        return 200, self._gemini_op(batch)

    def _gemini_get(self, name: str, cancel: bool) -> tuple[int, Any]:
        batch = self._batches.get(name)
        if batch is None:
            return 404, {
                "error": {"code": 404, "message": f"{name} not found", "status": "NOT_FOUND"}
            }
        if cancel:
            self._cancel(batch)
            return 200, {}
        self._poll(batch)
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
                "@type": _GEMINI_TYPE + "GenerateContentBatch",
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
                            "message": _GEMINI_TOO_LONG,
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
            "@type": _GEMINI_TYPE + "GenerateContentBatchOutput",
            "inlinedResponses": {"inlinedResponses": responses},
        }
        return operation
