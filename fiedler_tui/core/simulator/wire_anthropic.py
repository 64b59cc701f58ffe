"""Anthropic Messages streaming as captured in PROVIDERS.md §3.3-3.4."""

from __future__ import annotations

from typing import Any

from fiedler_tui.core.simulator.script import Fault, FaultKind
from fiedler_tui.core.simulator.wire import Dialect, ErrorReply, WireStream, dumps, random_id

_FINISH = {"stop": "end_turn", "length": "max_tokens"}


def _event(name: str, payload: Any) -> bytes:
    return f"event: {name}\ndata: {dumps(payload)}\n\n".encode()


def _block_start(index: int, block: dict[str, Any]) -> bytes:
    return _event(
        "content_block_start",
        {"type": "content_block_start", "index": index, "content_block": block},
    )


class AnthropicStream(WireStream):
    content_type = "text/event-stream; charset=utf-8"

    def __init__(self, *, model: str, body: Any, input_tokens: int) -> None:
        super().__init__(model=model, body=body, input_tokens=input_tokens)
        self.id = "msg_" + random_id(34)
        self.request_id = "req_" + random_id(24)

    def headers(self) -> tuple[tuple[str, str], ...]:
        return (("request-id", self.request_id), ("anthropic-organization-id", "sim-org"))

    def opening(self) -> bytes:
        message: dict[str, Any] = {
            "id": self.id,
            "type": "message",
            "role": "assistant",
            "content": [],
            "model": self.model,
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {
                "input_tokens": self.input_tokens - self.cache.read - self.cache.written,
                "cache_creation_input_tokens": self.cache.written,
                "cache_read_input_tokens": self.cache.read,
                "output_tokens": 1,
            },
        }
        block = (
            {"type": "thinking", "thinking": "", "signature": ""}
            if self.thinking
            else {"type": "text", "text": ""}
        )
        return (
            _event("message_start", {"type": "message_start", "message": message})
            + _block_start(0, block)
            + b'event: ping\ndata: {"type": "ping"}\n\n'
        )

    @property
    def text_index(self) -> int:
        """The text block follows the thinking block when there is one."""
        return 1 if self.thinking else 0

    def streams_thoughts(self) -> bool:
        thinking = self.body.get("thinking") if isinstance(self.body, dict) else None
        return isinstance(thinking, dict) and thinking.get("type") == "enabled"

    def thought(self, text: str) -> bytes:
        delta = {"type": "thinking_delta", "thinking": text}
        return _event(
            "content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta}
        )

    def thoughts_done(self) -> bytes:
        signature = {"type": "signature_delta", "signature": "EqQBCgIYAh" + random_id(40)}
        return (
            _event(
                "content_block_delta",
                {"type": "content_block_delta", "index": 0, "delta": signature},
            )
            + _event("content_block_stop", {"type": "content_block_stop", "index": 0})
            + _block_start(1, {"type": "text", "text": ""})
        )

    def token(self, text: str) -> bytes:
        delta = {"type": "text_delta", "text": text}
        return _event(
            "content_block_delta",
            {"type": "content_block_delta", "index": self.text_index, "delta": delta},
        )

    def closing(self, *, finish: str, output_tokens: int, thought_tokens: int) -> bytes:
        delta = {"stop_reason": _FINISH.get(finish, finish), "stop_sequence": None}
        stop = {"type": "content_block_stop", "index": self.text_index}
        output = output_tokens + (thought_tokens if self.thinking else 0)  # thinking included
        return (
            _event("content_block_stop", stop)
            + _event(
                "message_delta",
                {
                    "type": "message_delta",
                    "delta": delta,
                    "usage": {"output_tokens": output},
                },
            )
            + _event("message_stop", {"type": "message_stop"})
        )

    def error_event(self) -> bytes:
        return (
            b"event: error\n"
            b'data: {"type": "error", "error": {"type": "overloaded_error", '
            b'"message": "Overloaded"}}\n\n'
        )

    def malformed(self) -> bytes:
        return (
            b"event: content_block_delta\n"
            b'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","te\n\n'
        )


class AnthropicDialect(Dialect):
    name = "anthropic"

    def stream(self, *, model: str, body: Any, input_tokens: int) -> WireStream:
        return AnthropicStream(model=model, body=body, input_tokens=input_tokens)

    explicit_cache = True

    def prompt_text(self, body: Any) -> str:
        return "".join(text for text, _marked in _pieces(body))

    def marked_prefix(self, body: Any) -> str | None:
        pieces = _pieces(body)
        last = max((i for i, (_text, marked) in enumerate(pieces) if marked), default=None)
        return None if last is None else "".join(text for text, _ in pieces[: last + 1])

    def error(self, fault: Fault, model: str) -> ErrorReply:
        headers = list(fault.headers)
        if fault.retry_after_ms is not None:
            headers.append(("retry-after-ms", fault.retry_after_ms))
        if fault.retry_after is not None:
            headers.append(("retry-after", fault.retry_after))
        if fault.kind is FaultKind.RATE_LIMIT:
            message = (
                "This request would exceed the rate limit for your organization of 50 requests "
                "per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits."
            )
            return _reply(429, "rate_limit_error", message, headers)
        if fault.kind is FaultKind.INSUFFICIENT_QUOTA:
            message = (
                "Your credit balance is too low to access the Anthropic API. Please go to "
                "Plans & Billing to upgrade or purchase credits."
            )
            return _reply(400, "invalid_request_error", message, headers)
        if fault.kind is FaultKind.UNAUTHORIZED:
            return _reply(401, "authentication_error", "invalid x-api-key", headers)
        if fault.kind is FaultKind.NOT_FOUND:
            return self.not_found(model)
        if fault.kind is FaultKind.CONTEXT_LENGTH:
            message = "prompt is too long: 200251 tokens > 200000 maximum"
            return _reply(400, "invalid_request_error", message, headers)
        status = fault.status or 500
        if status == 529:
            return _reply(529, "overloaded_error", "Overloaded", headers)
        return _reply(status, "api_error", "Internal server error", headers)

    def not_found(self, model: str) -> ErrorReply:
        return _reply(404, "not_found_error", f"model: {model}", [])


def _pieces(body: Any) -> list[tuple[str, bool]]:
    """The request's texts in order (system, then each message's content or blocks), each with
    whether it carries ``cache_control``."""
    if not isinstance(body, dict):
        return []
    pieces: list[tuple[str, bool]] = []
    for item in (body.get("system", ""), *(body.get("messages") or ())):
        content = item.get("content", "") if isinstance(item, dict) else item
        blocks = content if isinstance(content, list) else [content]
        for block in blocks:
            if isinstance(block, dict):
                pieces.append((str(block.get("text", "")), "cache_control" in block))
            else:
                pieces.append((str(block), False))
    return pieces


def _reply(status: int, kind: str, message: str, headers: list[tuple[str, str]]) -> ErrorReply:
    request_id = "req_" + random_id(24)
    payload = {
        "type": "error",
        "error": {"type": kind, "message": message},
        "request_id": request_id,
    }
    return ErrorReply(
        status=status,
        body=dumps(payload).encode(),
        headers=(("request-id", request_id), *headers),
    )
