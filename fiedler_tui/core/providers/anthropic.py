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
from fiedler_tui.core.request import Conversation, ReviewRequest

ANTHROPIC_VERSION = "2023-06-01"
CACHE_MIN_CHARS = 4096
"""System prompt plus package at least this long get a cache breakpoint. Anthropic caches a
prefix of at least 1,024 tokens (more on some models; shorter marked prefixes are simply not
cached, never an error): 4,096 characters is about 1,024 tokens at 4 characters a token."""
CACHE_CONTROL = {"type": "ephemeral"}
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

    def __init__(self, provider: str, request_id: str | None, secrets: tuple[str, ...]) -> None:
        super().__init__(provider, request_id, secrets)
        self._input: dict[str, int] = {}
        """The input counts reported so far, by field name."""

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
            kind = delta.get("type")
            if kind == "text_delta":
                text = delta.get("text")
                return [StreamPart(text=text)] if isinstance(text, str) and text else []
            if kind == "thinking_delta":
                thinking = delta.get("thinking")
                if isinstance(thinking, str) and thinking:
                    return [StreamPart(thinking=thinking)]
            # signature_delta: the thinking block's integrity signature, needed only to hand
            # the block back with tool use (never sent back here), so not kept
            return []
        if kind == "message_start":
            usage = (payload.get("message") or {}).get("usage") or {}
            return [self._usage(usage, final=False)]
        if kind == "message_delta":
            raw = (payload.get("delta") or {}).get("stop_reason")
            usage = self._usage(payload.get("usage") or {}, final=True)
            finish = _FINISH.get(raw, "other") if isinstance(raw, str) else None
            return [
                StreamPart(
                    input_tokens=usage.input_tokens,
                    output_tokens=usage.output_tokens,
                    finish_reason=finish,
                    raw_finish_reason=raw if isinstance(raw, str) else None,
                    cached_input_tokens=usage.cached_input_tokens,
                    cache_write_tokens=usage.cache_write_tokens,
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

    def _usage(self, usage: Any, *, final: bool) -> StreamPart:
        """Cumulative counts: each field overwrites the last one seen when present.

        Anthropic's ``input_tokens`` leaves out cached tokens, so the input reported here is
        ``input_tokens + cache_read_input_tokens + cache_creation_input_tokens``. The
        ``output_tokens`` of ``message_start`` is a placeholder (1), never a count: only
        ``message_delta`` says what was generated.
        """
        if not isinstance(usage, dict):
            usage = {}
        for name in ("input_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"):
            value = int_or_none(usage.get(name))
            if value is not None:
                self._input[name] = value
        uncached = self._input.get("input_tokens")
        read = self._input.get("cache_read_input_tokens")
        written = self._input.get("cache_creation_input_tokens")
        total = None if uncached is None else uncached + (read or 0) + (written or 0)
        return StreamPart(
            input_tokens=total,
            output_tokens=int_or_none(usage.get("output_tokens")) if final else None,
            cached_input_tokens=read,
            cache_write_tokens=written,
        )


def anthropic_messages(conversation: Conversation) -> list[dict[str, Any]]:
    """Alternating turns; the first user turn with a package is two text blocks (package, then
    question), the package block marked ``cache_control`` when the stable prefix is long
    enough to cache. Other turns are plain strings."""
    messages: list[dict[str, Any]] = []
    cache = len(conversation.system) + len(conversation.package_text) >= CACHE_MIN_CHARS
    for index, turn in enumerate(conversation.turns):
        parts = conversation.parts(index)
        if len(parts) == 1:
            messages.append({"role": turn.role, "content": parts[0]})
            continue
        package, question = parts
        package_block: dict[str, Any] = {"type": "text", "text": package}
        if cache:
            package_block["cache_control"] = dict(CACHE_CONTROL)
        content = [package_block, {"type": "text", "text": question}]
        messages.append({"role": turn.role, "content": content})
    return messages


class AnthropicAdapter(Adapter):
    """``POST {base}/v1/messages`` with ``stream: true``."""

    kind = ProviderKind.ANTHROPIC
    parser_class = AnthropicParser

    def build(self, profile: ModelProfile, request: ReviewRequest, key: str | None) -> WireRequest:
        body: dict[str, Any] = {
            "model": profile.wire_id,
            "max_tokens": profile.completion_budget(request),
            "system": request.system,
            "messages": anthropic_messages(request.conversation),
            "stream": True,
        }
        if not request.system:
            del body["system"]
        reasoning = profile.reasoning_for(request)
        temperature = profile.temperature_for(request)
        if reasoning.thinks:
            # budget_tokens counts toward max_tokens; any temperature but 1 is refused
            body["thinking"] = {"type": "enabled", "budget_tokens": reasoning.thinking_budget}
        elif temperature is not None:
            body["temperature"] = temperature
        headers = base_headers(profile)
        headers["anthropic-version"] = ANTHROPIC_VERSION
        if key:
            headers["x-api-key"] = key
        url = join_url(profile.provider.base_url, "/v1/messages")
        return WireRequest(method="POST", url=url, headers=headers, json=body)
