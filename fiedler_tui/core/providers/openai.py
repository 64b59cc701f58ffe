"""OpenAI Chat Completions, also spoken by xAI, Together, Ollama, llama.cpp, vLLM and LM Studio."""

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

_FINISH: dict[str, FinishReason] = {
    "stop": "stop",
    "length": "length",
    "content_filter": "content_filter",
    "tool_calls": "tool_calls",
    "function_call": "tool_calls",
}


class OpenAIChatParser(StreamParser):
    """``data: {chunk}`` events ending with ``data: [DONE]``; usage in a ``choices: []`` chunk."""

    def feed(self, event: ServerSentEvent) -> list[StreamPart]:
        data = event.data
        if data.startswith("[DONE]"):
            self.done = True
            return []
        payload = event_json(event, self.provider)
        if type(payload) is not dict:
            raise ProviderError(
                ErrorCode.PROTOCOL, "a stream event is not a JSON object", provider=self.provider
            )
        if payload.get("error"):
            raise classify_stream_error(
                provider=self.provider,
                payload=payload,
                request_id=self.request_id,
                secrets=self.secrets,
            )
        parts: list[StreamPart] = []
        for choice in payload.get("choices") or ():
            if type(choice) is not dict or choice.get("index", 0) != 0:
                continue
            delta = choice.get("delta") or {}
            text = delta.get("content") or delta.get("refusal") or ""
            thinking = delta.get("reasoning_content") or delta.get("reasoning")
            if thinking and type(thinking) is str:  # llama.cpp, vLLM, DeepSeek / Ollama, xAI
                parts.append(StreamPart(thinking=thinking))
            raw = choice.get("finish_reason")
            if raw is None:
                if text:  # the usual chunk: text only
                    parts.append(StreamPart(text=text if type(text) is str else ""))
            elif text or raw:
                parts.append(
                    StreamPart(
                        text=text if isinstance(text, str) else "",
                        finish_reason=_FINISH.get(raw, "other") if isinstance(raw, str) else None,
                        raw_finish_reason=raw if isinstance(raw, str) else None,
                    )
                )
        usage = payload.get("usage")
        if isinstance(usage, dict):
            details = usage.get("prompt_tokens_details")
            if not isinstance(details, dict):
                details = {}
            completion = usage.get("completion_tokens_details")
            if not isinstance(completion, dict):
                completion = {}
            parts.append(
                StreamPart(
                    input_tokens=int_or_none(usage.get("prompt_tokens")),
                    output_tokens=int_or_none(usage.get("completion_tokens")),
                    cached_input_tokens=int_or_none(details.get("cached_tokens")),
                    cache_write_tokens=int_or_none(details.get("cache_write_tokens")),
                    reasoning_tokens=int_or_none(completion.get("reasoning_tokens")),
                )
            )
        return parts

    def close(self) -> None:
        if not self.done:
            raise ProviderError(
                ErrorCode.PROTOCOL,
                "the stream ended before `data: [DONE]` (truncated response)",
                provider=self.provider,
                request_id=self.request_id,
            )


def chat_messages(conversation: Conversation) -> list[dict[str, str]]:
    """The system message (when non-empty), then each turn as one string, package first."""
    messages = [{"role": "system", "content": conversation.system}] if conversation.system else []
    for index, turn in enumerate(conversation.turns):
        messages.append({"role": turn.role, "content": conversation.content(index)})
    return messages


class OpenAIChatAdapter(Adapter):
    """``POST {base}/chat/completions`` with ``stream_options.include_usage``."""

    parser_class = OpenAIChatParser

    def __init__(self, kind: ProviderKind = ProviderKind.OPENAI) -> None:
        self.kind = kind

    def build(self, profile: ModelProfile, request: ReviewRequest, key: str | None) -> WireRequest:
        body: dict[str, Any] = {
            "model": profile.wire_id,
            "messages": chat_messages(request.conversation),
            profile.completion_param: profile.completion_budget(request),
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        temperature = profile.temperature_for(request)
        if temperature is not None:
            body["temperature"] = temperature
        effort = profile.reasoning_for(request).effort
        if effort is not None:
            body["reasoning_effort"] = effort
        headers = base_headers(profile)
        if key:
            headers["authorization"] = f"Bearer {key}"
        url = join_url(profile.provider.base_url, "/chat/completions")
        return WireRequest(method="POST", url=url, headers=headers, json=body)
