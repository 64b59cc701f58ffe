"""Anthropic Messages: `x-api-key`, `anthropic-version`, `max_tokens`, top-level `system`."""

from __future__ import annotations

from typing import Any

from fiedler_tui.core.config.schema import ProviderKind
from fiedler_tui.core.providers.base import (
    Adapter,
    FinishReason,
    StreamParser,
    StreamPart,
    WireRequest,
    base_headers,
    event_json,
    int_or_none,
    join_url,
)
from fiedler_tui.core.providers.classify import classify_stream_error
from fiedler_tui.core.providers.errors import ErrorCode, ProviderError
from fiedler_tui.core.providers.profile import ModelProfile
from fiedler_tui.core.providers.sse import ServerSentEvent
from fiedler_tui.core.request import ReviewRequest

ANTHROPIC_VERSION = "2023-06-01"
_FINISH: dict[str, FinishReason] = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "refusal": "content_filter",
    "tool_use": "tool_calls",
}


class AnthropicParser(StreamParser):
    """Named events; usage counts in ``message_start`` and ``message_delta`` are cumulative."""

    def feed(self, event: ServerSentEvent) -> list[StreamPart]:
        if event.event == "ping":
            return []
        payload = event_json(event, self.provider)
        if not isinstance(payload, dict):
            raise ProviderError(
                ErrorCode.PROTOCOL, "a stream event is not a JSON object", provider=self.provider
            )
        kind = payload.get("type") or event.event
        if kind == "content_block_delta":
            delta = payload.get("delta") or {}
            text = delta.get("text") if delta.get("type") == "text_delta" else None
            return [StreamPart(text=text)] if isinstance(text, str) and text else []
        if kind == "message_start":
            usage = (payload.get("message") or {}).get("usage") or {}
            return [_usage(usage)]
        if kind == "message_delta":
            raw = (payload.get("delta") or {}).get("stop_reason")
            usage = _usage(payload.get("usage") or {})
            finish = _FINISH.get(raw, "other") if isinstance(raw, str) else None
            return [
                StreamPart(
                    input_tokens=usage.input_tokens,
                    output_tokens=usage.output_tokens,
                    finish_reason=finish,
                    raw_finish_reason=raw if isinstance(raw, str) else None,
                )
            ]
        if kind == "message_stop":
            self.done = True
            return []
        if kind == "error":
            raise classify_stream_error(
                provider=self.provider,
                payload=payload,
                request_id=self.request_id,
                secrets=self.secrets,
            )
        return []

    def close(self) -> None:
        if not self.done:
            raise ProviderError(
                ErrorCode.PROTOCOL,
                "the stream ended before `message_stop` (truncated response)",
                provider=self.provider,
                request_id=self.request_id,
            )


def _usage(usage: dict[str, Any]) -> StreamPart:
    return StreamPart(
        input_tokens=int_or_none(usage.get("input_tokens")),
        output_tokens=int_or_none(usage.get("output_tokens")),
    )


class AnthropicAdapter(Adapter):
    """``POST {base}/v1/messages`` with ``stream: true``."""

    kind = ProviderKind.ANTHROPIC
    parser_class = AnthropicParser

    def build(self, profile: ModelProfile, request: ReviewRequest, key: str | None) -> WireRequest:
        body: dict[str, Any] = {
            "model": profile.wire_id,
            "max_tokens": profile.completion_budget(request),
            "system": request.system,
            "messages": [{"role": "user", "content": request.user_message}],
            "stream": True,
        }
        temperature = profile.temperature_for(request)
        if temperature is not None:
            body["temperature"] = temperature
        headers = base_headers(profile)
        headers["anthropic-version"] = ANTHROPIC_VERSION
        if key:
            headers["x-api-key"] = key
        url = join_url(profile.provider.base_url, "/v1/messages")
        return WireRequest(method="POST", url=url, headers=headers, json=body)
