"""Google Gemini ``streamGenerateContent?alt=sse``: ``x-goog-api-key``, ``systemInstruction``."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fiedler_tui.core.config.reasoning import ReasoningSettings
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
    "STOP": "stop",
    "MAX_TOKENS": "length",
    "SAFETY": "content_filter",
    "RECITATION": "content_filter",
    "BLOCKLIST": "content_filter",
    "PROHIBITED_CONTENT": "content_filter",
    "SPII": "content_filter",
    "IMAGE_SAFETY": "content_filter",
    "MALFORMED_FUNCTION_CALL": "tool_calls",
    "UNEXPECTED_TOOL_CALL": "tool_calls",
    "TOO_MANY_TOOL_CALLS": "tool_calls",
}


class GeminiParser(StreamParser):
    """Data-only events, each a full GenerateContentResponse; no end sentinel, so EOF ends it.

    A stream that closes without any ``finishReason`` was cut short.
    """

    def __init__(self, provider: str, request_id: str | None, secrets: tuple[str, ...]) -> None:
        super().__init__(provider, request_id, secrets)
        self._finished = False
        self._usage: tuple[int | None, int | None, int | None, int | None] | None = None
        """The last usage counts reported: every event repeats them, one part per change."""

    def feed(self, event: ServerSentEvent) -> list[StreamPart]:
        payload = event_json(event, self.provider)
        if not isinstance(payload, dict):
            raise ProviderError(
                ErrorCode.PROTOCOL, "a stream event is not a JSON object", provider=self.provider
            )
        if "error" in payload:
            raise classify_stream_error(
                provider=self.provider,
                payload=payload,
                request_id=self.request_id,
                secrets=self.secrets,
            )
        parts: list[StreamPart] = []
        candidates = payload.get("candidates") or []
        first = candidates[0] if candidates and isinstance(candidates[0], dict) else {}
        for part in (first.get("content") or {}).get("parts") or ():
            if isinstance(part, dict):
                text = part.get("text")
                if isinstance(text, str) and text:  # a thought summary is kept apart
                    parts.append(
                        StreamPart(thinking=text) if part.get("thought") else StreamPart(text=text)
                    )
        raw = first.get("finishReason")
        blocked = (payload.get("promptFeedback") or {}).get("blockReason")
        if isinstance(blocked, str) and not raw:
            raw = f"BLOCKED_{blocked}"
        if isinstance(raw, str):
            self._finished = True
            finish: FinishReason = _FINISH.get(raw, "other")
            if raw.startswith("BLOCKED_"):
                finish = "content_filter"
            parts.append(StreamPart(finish_reason=finish, raw_finish_reason=raw))
        usage = payload.get("usageMetadata")
        if isinstance(usage, dict):
            candidates_count = int_or_none(usage.get("candidatesTokenCount"))
            thoughts_count = int_or_none(usage.get("thoughtsTokenCount"))
            if candidates_count is None:
                output = thoughts_count
            else:
                output = candidates_count + (thoughts_count or 0)
            prompt = int_or_none(usage.get("promptTokenCount"))
            cached = int_or_none(usage.get("cachedContentTokenCount"))
            counts = (prompt, output, cached, thoughts_count)
            if counts != self._usage:
                self._usage = counts
                parts.append(
                    StreamPart(
                        input_tokens=prompt,
                        output_tokens=output,
                        cached_input_tokens=cached,
                        reasoning_tokens=thoughts_count,
                    )
                )
        return parts

    def close(self) -> None:
        if not self._finished:
            raise ProviderError(
                ErrorCode.PROTOCOL,
                "the stream ended without a finishReason (truncated response)",
                provider=self.provider,
                request_id=self.request_id,
            )


def gemini_contents(conversation: Conversation) -> list[dict[str, Any]]:
    """Each turn with role ``user`` or ``model``, its text as one part, package first."""
    return [
        {"role": "model" if turn.role == "assistant" else "user", "parts": [{"text": text}]}
        for turn, text in (
            (turn, conversation.content(index)) for index, turn in enumerate(conversation.turns)
        )
    ]


def thinking_config(reasoning: ReasoningSettings) -> dict[str, Any]:
    """``generationConfig.thinkingConfig``: the budget when one is set (0: off) and
    ``includeThoughts`` when summaries are asked for; empty: the model's own defaults."""
    config: dict[str, Any] = {}
    if reasoning.thinking_budget is not None:
        config["thinkingBudget"] = reasoning.thinking_budget
    if reasoning.include_thoughts and reasoning.thinking_budget != 0:
        config["includeThoughts"] = True
    return config


class GeminiAdapter(Adapter):
    """``POST {base}/models/{id}:streamGenerateContent?alt=sse``."""

    kind = ProviderKind.GEMINI
    parser_class = GeminiParser

    def build(self, profile: ModelProfile, request: ReviewRequest, key: str | None) -> WireRequest:
        config: dict[str, Any] = {"maxOutputTokens": profile.completion_budget(request)}
        temperature = profile.temperature_for(request)
        if temperature is not None:
            config["temperature"] = temperature
        thinking = thinking_config(profile.reasoning_for(request))
        if thinking:
            config["thinkingConfig"] = thinking
        body: dict[str, Any] = {}
        if request.system:
            body["systemInstruction"] = {"parts": [{"text": request.system}]}
        body["contents"] = gemini_contents(request.conversation)
        body["generationConfig"] = config
        headers = base_headers(profile)
        if key:
            headers["x-goog-api-key"] = key
        model = quote(profile.wire_id.removeprefix("models/"), safe="-._~")
        url = join_url(profile.provider.base_url, f"/models/{model}:streamGenerateContent?alt=sse")
        return WireRequest(method="POST", url=url, headers=headers, json=body)
