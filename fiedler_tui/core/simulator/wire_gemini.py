"""Gemini ``streamGenerateContent?alt=sse`` as captured in PROVIDERS.md §4.3-4.4."""

from __future__ import annotations

from typing import Any

from fiedler_tui.core.simulator.script import Fault, FaultKind
from fiedler_tui.core.simulator.wire import Dialect, ErrorReply, WireStream, dumps, random_id

_FINISH = {"stop": "STOP", "length": "MAX_TOKENS"}
_CANONICAL = {500: "INTERNAL", 502: "UNAVAILABLE", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}


class GeminiStream(WireStream):
    def __init__(self, *, model: str, body: Any, input_tokens: int) -> None:
        super().__init__(model=model, body=body, input_tokens=input_tokens)
        self.response_id = random_id(22)

    def _chunk(self, parts: list[dict[str, Any]], usage: dict[str, Any], **candidate: Any) -> bytes:
        payload = {
            "candidates": [{"content": {"parts": parts, "role": "model"}, **candidate, "index": 0}],
            "usageMetadata": usage,
            "modelVersion": self.model,
            "responseId": self.response_id,
        }
        return f"data: {dumps(payload)}\r\n\r\n".encode()

    def _prompt_usage(self) -> dict[str, Any]:
        return self._cached(
            {
                "promptTokenCount": self.input_tokens,
                "totalTokenCount": self.input_tokens,
                "promptTokensDetails": [{"modality": "TEXT", "tokenCount": self.input_tokens}],
            }
        )

    def _cached(self, usage: dict[str, Any]) -> dict[str, Any]:
        """``usage`` with the cached count, present only when some input was cached (as the
        real API omits it)."""
        if self.cache.read:
            usage["cachedContentTokenCount"] = self.cache.read
            details = [{"modality": "TEXT", "tokenCount": self.cache.read}]
            usage["cacheTokensDetails"] = details
        return usage

    def opening(self) -> bytes:
        return b""

    def streams_thoughts(self) -> bool:
        """Thought summaries come only with ``thinkingConfig.includeThoughts`` (the thinking
        itself happens, and is counted, either way)."""
        config = self.body.get("generationConfig") if isinstance(self.body, dict) else None
        thinking = config.get("thinkingConfig") if isinstance(config, dict) else None
        return isinstance(thinking, dict) and thinking.get("includeThoughts") is True

    def thought(self, text: str) -> bytes:
        return self._chunk([{"text": text, "thought": True}], self._prompt_usage())

    def token(self, text: str) -> bytes:
        return self._chunk([{"text": text}], self._prompt_usage())

    def closing(self, *, finish: str, output_tokens: int, thought_tokens: int) -> bytes:
        usage: dict[str, Any] = {
            "promptTokenCount": self.input_tokens,
            "candidatesTokenCount": output_tokens,
            "totalTokenCount": self.input_tokens + output_tokens + thought_tokens,
            "promptTokensDetails": [{"modality": "TEXT", "tokenCount": self.input_tokens}],
        }
        if thought_tokens:
            usage["thoughtsTokenCount"] = thought_tokens
        return self._chunk(
            [{"text": ""}], self._cached(usage), finishReason=_FINISH.get(finish, finish)
        )

    def error_event(self) -> bytes:
        error = {
            "code": 503,
            "message": "The model is overloaded. Please try again later.",
            "status": "UNAVAILABLE",
        }
        return f"data: {dumps({'error': error})}\r\n\r\n".encode()

    def malformed(self) -> bytes:
        return b'data: {"candidates":[{"content":{"parts":[{"text":"\r\n\r\n'


class GeminiDialect(Dialect):
    name = "gemini"

    def stream(self, *, model: str, body: Any, input_tokens: int) -> WireStream:
        return GeminiStream(model=model, body=body, input_tokens=input_tokens)

    def prompt_text(self, body: Any) -> str:
        if not isinstance(body, dict):
            return ""
        texts: list[str] = []
        system = body.get("systemInstruction") or {}
        for part in system.get("parts") or ():
            texts.append(str(part.get("text", "")))
        for content in body.get("contents") or ():
            for part in content.get("parts") or ():
                texts.append(str(part.get("text", "")))
        return "".join(texts)

    def error(self, fault: Fault, model: str) -> ErrorReply:
        headers = tuple(fault.headers)
        if fault.retry_after is not None:
            headers += (("retry-after", fault.retry_after),)
        if fault.kind is FaultKind.RATE_LIMIT:
            return _quota(model, per_day=False, retry_delay=fault.retry_delay, headers=headers)
        if fault.kind is FaultKind.INSUFFICIENT_QUOTA:
            return _quota(model, per_day=True, retry_delay=fault.retry_delay, headers=headers)
        if fault.kind is FaultKind.UNAUTHORIZED:
            details = [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "API_KEY_INVALID",
                    "domain": "googleapis.com",
                    "metadata": {"service": "generativelanguage.googleapis.com"},
                }
            ]
            message = "API key not valid. Please pass a valid API key."
            return _reply(400, "INVALID_ARGUMENT", message, headers, details)
        if fault.kind is FaultKind.NOT_FOUND:
            return self.not_found(model)
        if fault.kind is FaultKind.CONTEXT_LENGTH:
            message = (
                "The input token count (1200000) exceeds the maximum number of tokens allowed "
                "(1048576)."
            )
            return _reply(400, "INVALID_ARGUMENT", message, headers)
        status = fault.status or 500
        if status == 503:
            message = (
                "This model is currently experiencing high demand. Spikes in demand are usually "
                "temporary. Please try again later."
            )
        else:
            message = "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting"
        return _reply(status, _CANONICAL.get(status, "UNAVAILABLE"), message, headers)

    def not_found(self, model: str) -> ErrorReply:
        message = f"Model is not found: models/{model} for api version v1beta"
        return _reply(404, "NOT_FOUND", message, ())


def _quota(
    model: str, *, per_day: bool, retry_delay: str | None, headers: tuple[tuple[str, str], ...]
) -> ErrorReply:
    period = "PerDay" if per_day else "PerMinute"
    metric = "generativelanguage.googleapis.com/generate_content_free_tier_requests"
    message = (
        "You exceeded your current quota, please check your plan and billing details. For more "
        "information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. "
        "To monitor your current usage, head to: https://ai.dev/rate-limit. \n* Quota exceeded "
        f"for metric: {metric}, limit: 15, model: {model}\nPlease retry in 38.292227434s."
    )
    details: list[dict[str, Any]] = [
        {
            "@type": "type.googleapis.com/google.rpc.Help",
            "links": [
                {
                    "description": "Learn more about Gemini API quotas",
                    "url": "https://ai.google.dev/gemini-api/docs/rate-limits",
                }
            ],
        },
        {
            "@type": "type.googleapis.com/google.rpc.QuotaFailure",
            "violations": [
                {
                    "quotaMetric": metric,
                    "quotaId": f"GenerateRequests{period}PerProjectPerModel-FreeTier",
                    "quotaDimensions": {"location": "global", "model": model},
                    "quotaValue": "15",
                }
            ],
        },
    ]
    if retry_delay is not None:
        details.append(
            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": retry_delay}
        )
    return _reply(429, "RESOURCE_EXHAUSTED", message, headers, details)


def _reply(
    status: int,
    canonical: str,
    message: str,
    headers: tuple[tuple[str, str], ...],
    details: list[dict[str, Any]] | None = None,
) -> ErrorReply:
    error: dict[str, Any] = {"code": status, "message": message, "status": canonical}
    if details is not None:
        error["details"] = details
    return ErrorReply(status=status, body=dumps({"error": error}).encode(), headers=headers)
