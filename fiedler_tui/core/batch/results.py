"""One request's outcome read from a provider's batch results, whatever the wire format."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from fiedler_tui.core.providers.classify import classify_response, classify_stream_error
from fiedler_tui.core.providers.errors import ErrorCode, ErrorInfo, ProviderError


@dataclass(frozen=True)
class RequestOutcome:
    """What came back for one custom id: the answer and its usage, or why there is none."""

    custom_id: str
    status: str
    """``done``, ``failed``, ``expired`` or ``cancelled``."""
    text: str = ""
    finish_reason: str | None = None
    usage_input: int | None = None
    """Every input token, cached ones included."""
    usage_output: int | None = None
    usage_cached_input: int | None = None
    error: ErrorInfo | None = None


def obj(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def items(value: Any) -> list[Any]:
    """``value`` when it is a JSON array, else an empty one."""
    return value if isinstance(value, list) else []


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def error_outcome(custom_id: str, status: str, error: ProviderError) -> RequestOutcome:
    return RequestOutcome(custom_id, status, error=error.info)


def ended_without_answer(custom_id: str, status: str, provider: str, why: str) -> RequestOutcome:
    """A request the provider did not run: expired or cancelled with its batch."""
    code = ErrorCode.CANCELLED if status == "cancelled" else ErrorCode.TIMEOUT
    return RequestOutcome(
        custom_id, status, error=ErrorInfo(code=code, message=why, provider=provider)
    )


def openai_outcome(line: Any, provider: str, secrets: tuple[str, ...]) -> RequestOutcome | None:
    """A line of an OpenAI batch's output or error file (None when it names no request)."""
    if not isinstance(line, dict) or not isinstance(line.get("custom_id"), str):
        return None
    custom_id = line["custom_id"]
    response = line.get("response")
    error = line.get("error")
    if isinstance(error, dict):  # the request never ran: batch_expired, batch_cancelled...
        code = str(error.get("code") or "")
        message = str(error.get("message") or code or "not run")
        if code == "batch_expired":
            return ended_without_answer(custom_id, "expired", provider, message)
        if code == "batch_cancelled":
            return ended_without_answer(custom_id, "cancelled", provider, message)
        failed = classify_stream_error(provider=provider, payload={"error": error}, secrets=secrets)
        return error_outcome(custom_id, "failed", failed)
    if not isinstance(response, dict):
        return None
    status = _int(response.get("status_code")) or 0
    body = response.get("body")
    if status >= 300 or not isinstance(body, dict):
        failed = classify_response(
            provider=provider,
            status=status or 500,
            headers={},
            body=json.dumps(body).encode(),
            now=0.0,
            secrets=secrets,
        )
        return error_outcome(custom_id, "failed", failed)
    choice = obj((items(body.get("choices")) or [{}])[0])
    reply = obj(choice.get("message"))
    text = reply.get("content") or reply.get("refusal") or ""
    usage = obj(body.get("usage"))
    details = usage.get("prompt_tokens_details")
    return RequestOutcome(
        custom_id,
        "done",
        text=text if isinstance(text, str) else "",
        finish_reason=str(choice.get("finish_reason") or "") or None,
        usage_input=_int(usage.get("prompt_tokens")),
        usage_output=_int(usage.get("completion_tokens")),
        usage_cached_input=_int(details.get("cached_tokens"))
        if isinstance(details, dict)
        else None,
    )


_ANTHROPIC_FINISH = {"end_turn": "stop", "stop_sequence": "stop", "max_tokens": "length"}


def anthropic_outcome(line: Any, provider: str, secrets: tuple[str, ...]) -> RequestOutcome | None:
    """A line of an Anthropic message batch's results (JSONL at ``results_url``)."""
    if not isinstance(line, dict) or not isinstance(line.get("custom_id"), str):
        return None
    custom_id = line["custom_id"]
    result = obj(line.get("result"))
    kind = result.get("type")
    if kind == "expired":
        return ended_without_answer(custom_id, "expired", provider, "the batch expired first")
    if kind == "canceled":
        return ended_without_answer(custom_id, "cancelled", provider, "the batch was cancelled")
    if kind != "succeeded":
        payload = obj(result.get("error"))
        failed = classify_stream_error(provider=provider, payload=payload, secrets=secrets)
        return error_outcome(custom_id, "failed", failed)
    message = obj(result.get("message"))
    blocks = items(message.get("content"))
    text = "".join(
        b.get("text", "") for b in blocks if isinstance(b, dict) and b.get("type") == "text"
    )
    usage = obj(message.get("usage"))
    fresh = _int(usage.get("input_tokens"))
    read = _int(usage.get("cache_read_input_tokens")) or 0
    written = _int(usage.get("cache_creation_input_tokens")) or 0
    stop = message.get("stop_reason")
    return RequestOutcome(
        custom_id,
        "done",
        text=text,
        finish_reason=_ANTHROPIC_FINISH.get(str(stop), str(stop) if stop else None),
        usage_input=None if fresh is None else fresh + read + written,
        usage_output=_int(usage.get("output_tokens")),
        usage_cached_input=read or None,
    )


_GEMINI_FINISH = {"STOP": "stop", "MAX_TOKENS": "length", "SAFETY": "content_filter"}


def gemini_outcome(item: Any, provider: str, secrets: tuple[str, ...]) -> RequestOutcome | None:
    """One of a Gemini batch's inlined responses (its ``metadata.key`` is the custom id)."""
    if not isinstance(item, dict):
        return None
    metadata = obj(item.get("metadata"))
    custom_id = metadata.get("key")
    if not isinstance(custom_id, str):
        return None
    if isinstance(item.get("error"), dict):
        failed = classify_stream_error(
            provider=provider, payload={"error": item["error"]}, secrets=secrets
        )
        return error_outcome(custom_id, "failed", failed)
    response = obj(item.get("response"))
    first = obj((items(response.get("candidates")) or [{}])[0])
    content = obj(first.get("content"))
    parts = items(content.get("parts"))
    text = "".join(
        p.get("text", "")
        for p in parts
        if isinstance(p, dict) and not p.get("thought") and isinstance(p.get("text"), str)
    )
    usage = obj(response.get("usageMetadata"))
    out = _int(usage.get("candidatesTokenCount"))
    thoughts = _int(usage.get("thoughtsTokenCount")) or 0
    finish = first.get("finishReason")
    return RequestOutcome(
        custom_id,
        "done",
        text=text,
        finish_reason=_GEMINI_FINISH.get(str(finish), str(finish).lower() if finish else None),
        usage_input=_int(usage.get("promptTokenCount")),
        usage_output=None if out is None else out + thoughts,
        usage_cached_input=_int(usage.get("cachedContentTokenCount")),
    )
