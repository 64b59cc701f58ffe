"""The one place that turns a failure into an :class:`ErrorCode` and a retry verdict.

Covers HTTP error responses from every supported server (OpenAI, Anthropic, Gemini, xAI,
Together, Ollama, llama.cpp, vLLM), error events inside a 200 stream, and transport exceptions.
The rules follow PROVIDERS.md §8.4: retry rate limits, overloads, 5xx, 408/409 and transport
faults; never retry quota, "Request too large", context-length, auth, permission, not-found,
unsupported-parameter errors or Gemini per-day quotas. A rate-limit error whose request alone is
larger than the limit it states (OpenAI's "Limit X, ... Requested Y" with Y > X; Anthropic's "rate
limit of X input tokens per minute" for a request above X, see :func:`too_large_for_stated_limit`)
is ``request_too_large`` too: waiting cannot make it fit.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from fiedler_tui.core.http import THROUGH_PROXY, httpx
from fiedler_tui.core.providers.error_body import TRUNCATED_NOTE
from fiedler_tui.core.providers.errors import ErrorCode, ProviderError, redact
from fiedler_tui.core.providers.retry_after import gemini_retry_delay, parse_retry_after

_CONTEXT_PATTERNS = re.compile(
    r"maximum context length|prompt is too long|exceed context limit|exceeds the available context"
    r"|exceeds the context window|context window of this model|context_length_exceeded"
    r"|input token count .* exceeds the maximum",
    re.IGNORECASE,
)
_AUTH_PATTERNS = re.compile(
    r"incorrect api key|invalid api key|api key not valid|invalid x-api-key", re.IGNORECASE
)
_QUOTA_PATTERNS = re.compile(r"credit balance is too low", re.IGNORECASE)
_OPENAI_REQUESTED = re.compile(
    r"\bLimit (?P<limit>\d+)(?:, Used \d+)?, Requested (?P<requested>\d+)", re.IGNORECASE
)
_STATED_LIMIT = re.compile(
    r"rate limit of (?P<limit>[\d,]+) (?P<unit>input |output )?tokens per minute", re.IGNORECASE
)
NEVER_FITS = (
    "it can never be accepted at this limit: send fewer files, choose another model or use a key "
    "on a higher rate-limit tier"
)
_PERMANENT = frozenset(
    {
        ErrorCode.AUTH,
        ErrorCode.PERMISSION,
        ErrorCode.MODEL_NOT_FOUND,
        ErrorCode.CONTEXT_LENGTH_EXCEEDED,
        ErrorCode.REQUEST_TOO_LARGE,
        ErrorCode.QUOTA_EXHAUSTED,
    }
)
_RETRYABLE = frozenset(
    {
        ErrorCode.RATE_LIMITED,
        ErrorCode.CONFLICT,
        ErrorCode.OVERLOADED,
        ErrorCode.SERVER_ERROR,
        ErrorCode.TIMEOUT,
        ErrorCode.NETWORK,
    }
)


@dataclass(frozen=True, kw_only=True)
class ErrorBody:
    """The fields every provider's error JSON boils down to (all optional)."""

    message: str = ""
    type: str = ""
    code: str = ""
    status: str = ""
    """google.rpc canonical status, e.g. ``RESOURCE_EXHAUSTED``."""
    details: Any = None
    request_id: str | None = None


def parse_error_body(data: Any) -> ErrorBody:
    """Normalise ``{"error": {...}}``, ``{"error": "text"}`` (xAI) and flat bodies (vLLM)."""
    if not isinstance(data, dict):
        return ErrorBody(message=str(data) if data else "")
    request_id = data.get("request_id") if isinstance(data.get("request_id"), str) else None
    inner = data.get("error")
    if isinstance(inner, dict):
        source: dict[str, Any] = inner
    elif isinstance(inner, str):
        code = data.get("code")
        return ErrorBody(
            message=inner, code=str(code) if code is not None else "", request_id=request_id
        )
    else:
        source = data
    message = source.get("message") or source.get("error") or ""
    kind = source.get("type") or source.get("error_type") or ""
    code = source.get("code")
    return ErrorBody(
        message=str(message),
        type=str(kind),
        code="" if code is None else str(code),
        status=str(source.get("status") or ""),
        details=source.get("details"),
        request_id=request_id,
    )


def classify_response(
    *,
    provider: str,
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    now: float,
    secrets: Iterable[str | None] = (),
    truncated: bool = False,
) -> ProviderError:
    """Classify a non-2xx response; ``headers`` must have lower-case names.

    ``truncated``: ``body`` is only the start of a longer body (the message says so).
    """
    data = _json_or_none(body)
    parsed = (
        parse_error_body(data)
        if data is not None
        else ErrorBody(message=body.decode("utf-8", "replace").strip()[:300])
    )
    code, retryable = _code_for(status, parsed)
    should_retry = headers.get("x-should-retry")
    if should_retry == "false":
        retryable = False
    elif should_retry == "true" and code not in _PERMANENT:
        retryable = True
    retry_after = parse_retry_after(headers, now)
    if retry_after is None:
        retry_after = gemini_retry_delay(parsed.details)
    request_id = headers.get("x-request-id") or headers.get("request-id") or parsed.request_id
    message = _message(provider, code, parsed.message or f"HTTP {status}", secrets)
    return ProviderError(
        code,
        f"{message} {TRUNCATED_NOTE}" if truncated else message,
        provider=provider,
        http_status=status,
        request_id=request_id,
        retryable=retryable,
        retry_after_s=retry_after,
    )


def classify_stream_error(
    *,
    provider: str,
    payload: Any,
    request_id: str | None = None,
    secrets: Iterable[str | None] = (),
) -> ProviderError:
    """Classify an error event received inside a 200 stream (there is no HTTP status)."""
    parsed = parse_error_body(payload)
    status = _int_or_none(parsed.code)
    code, retryable = _code_for(status, parsed)
    return ProviderError(
        code,
        _message(provider, code, parsed.message or "error event in the stream", secrets),
        provider=provider,
        request_id=request_id or parsed.request_id,
        retryable=retryable,
        retry_after_s=gemini_retry_delay(parsed.details),
    )


def classify_unexpected_body(
    *,
    provider: str,
    content_type: str,
    body: bytes,
    request_id: str | None = None,
    secrets: Iterable[str | None] = (),
) -> ProviderError:
    """A 2xx answer that is not an event stream: an error object, or a server that ignored
    ``stream: true``."""
    data = _json_or_none(body)
    if isinstance(data, dict) and data.get("error"):
        return classify_stream_error(
            provider=provider, payload=data, request_id=request_id, secrets=secrets
        )
    return ProviderError(
        ErrorCode.PROTOCOL,
        f"expected an event stream, got {content_type or 'no content type'} "
        "(does this server support streaming?)",
        provider=provider,
        request_id=request_id,
    )


def classify_exception(
    exc: Exception,
    *,
    provider: str,
    connect_timeout_s: float,
    read_timeout_s: float,
    secrets: tuple[str, ...] = (),
) -> ProviderError:
    """Classify a transport exception raised by the HTTP client.

    Exception text can quote the request (a header value, the key in it): it is redacted.
    """
    detail = redact(str(exc) or type(exc).__name__, _with_escaped(secrets))
    if isinstance(exc, httpx.LocalProtocolError | httpx.UnsupportedProtocol | httpx.InvalidURL):
        message = f"the request could not be built or sent: {detail}"
        return ProviderError(ErrorCode.BAD_REQUEST, message, provider=provider)
    if isinstance(exc, httpx.ConnectTimeout):
        message = f"connect timeout: no connection within {connect_timeout_s:g} s"
        if detail.startswith(THROUGH_PROXY):  # names the proxy (its password masked)
            message += f" {detail.split(': ', 1)[0]}"
        return ProviderError(ErrorCode.TIMEOUT, message, provider=provider, retryable=True)
    if isinstance(exc, httpx.ReadTimeout):
        message = f"idle timeout: no data from the server for {read_timeout_s:g} s"
        return ProviderError(ErrorCode.TIMEOUT, message, provider=provider, retryable=True)
    if isinstance(exc, httpx.TimeoutException):
        message = f"{type(exc).__name__}: the request could not proceed in time"
        return ProviderError(ErrorCode.TIMEOUT, message, provider=provider, retryable=True)
    if isinstance(exc, httpx.ConnectError):
        message = f"cannot connect: {detail}"
        return ProviderError(ErrorCode.NETWORK, message, provider=provider, retryable=True)
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        message = f"connection lost: {detail}"
        return ProviderError(ErrorCode.NETWORK, message, provider=provider, retryable=True)
    if isinstance(exc, httpx.DecodingError):
        message = f"undecodable response: {detail}"
        return ProviderError(ErrorCode.PROTOCOL, message, provider=provider)
    message = f"{type(exc).__name__}: {detail}"
    return ProviderError(ErrorCode.NETWORK, message, provider=provider, retryable=True)


def _with_escaped(secrets: tuple[str, ...]) -> tuple[str, ...]:
    """Each secret as it is and as ``repr`` escapes it (exception texts quote bytes reprs)."""
    return tuple({form for s in secrets if s for form in (s, repr(s)[1:-1])})


def _code_for(status: int | None, body: ErrorBody) -> tuple[ErrorCode, bool]:
    code = _classify(status, body)
    return code, code in _RETRYABLE


def _classify(status: int | None, body: ErrorBody) -> ErrorCode:
    message, kind, code, canonical = body.message, body.type, body.code, body.status
    if (
        code == "context_length_exceeded"
        or kind == "exceed_context_size_error"
        or _CONTEXT_PATTERNS.search(message)
    ):
        return ErrorCode.CONTEXT_LENGTH_EXCEEDED
    if status == 413 or kind == "request_too_large" or "request too large" in message.lower():
        return ErrorCode.REQUEST_TOO_LARGE
    if (
        status == 401
        or kind == "authentication_error"
        or code == "invalid_api_key"
        or canonical == "UNAUTHENTICATED"
        or _AUTH_PATTERNS.search(message)
    ):
        return ErrorCode.AUTH
    if status == 403 or kind == "permission_error" or canonical == "PERMISSION_DENIED":
        return ErrorCode.PERMISSION
    if (
        status == 402
        or kind in ("billing_error", "insufficient_quota")
        or code == "insufficient_quota"
        or _QUOTA_PATTERNS.search(message)
    ):
        return ErrorCode.QUOTA_EXHAUSTED
    if (
        status == 404
        or kind == "not_found_error"
        or canonical == "NOT_FOUND"
        or code == "model_not_found"
    ):
        return ErrorCode.MODEL_NOT_FOUND
    if status == 429 or kind == "rate_limit_error" or canonical == "RESOURCE_EXHAUSTED":
        if _gemini_per_day(body.details):
            return ErrorCode.QUOTA_EXHAUSTED
        return (
            ErrorCode.REQUEST_TOO_LARGE
            if _requested_above_limit(message)
            else ErrorCode.RATE_LIMITED
        )
    if code == "rate_limit_exceeded":
        return (
            ErrorCode.REQUEST_TOO_LARGE
            if _requested_above_limit(message)
            else ErrorCode.RATE_LIMITED
        )
    if status == 408:
        return ErrorCode.TIMEOUT
    if status == 409:
        return ErrorCode.CONFLICT
    if (
        status in (503, 529)
        or kind == "overloaded_error"
        or canonical == "UNAVAILABLE"
        or message.strip().lower() == "overloaded"
    ):
        return ErrorCode.OVERLOADED
    if status is None or status >= 500:
        return ErrorCode.SERVER_ERROR
    return ErrorCode.BAD_REQUEST


def _requested_above_limit(message: str) -> bool:
    """OpenAI's "... Limit 30000, Used 22343, Requested 30601": the request alone is larger."""
    match = _OPENAI_REQUESTED.search(message)
    return match is not None and int(match["requested"]) > int(match["limit"])


def too_large_for_stated_limit(
    error: ProviderError, input_tokens: int, completion_tokens: int
) -> ProviderError:
    """``error`` as not retryable when it is a rate-limit refusal stating a per-minute limit
    that this request alone exceeds (``input_tokens``: the request's input estimate;
    ``completion_tokens``: its completion limit, counted unless the limit is on input tokens
    only); otherwise ``error`` unchanged."""
    if error.code is not ErrorCode.RATE_LIMITED:
        return error
    match = _STATED_LIMIT.search(error.message)
    if match is None:
        return error
    limit = int(match["limit"].replace(",", ""))
    unit = (match["unit"] or "").strip()
    if unit == "input":
        request, counted = input_tokens, "input tokens"
    elif unit == "output":
        request, counted = completion_tokens, "tokens of completion limit"
    else:
        request, counted = input_tokens + completion_tokens, "tokens with its completion limit"
    if request <= limit:
        return error
    return ProviderError(
        ErrorCode.REQUEST_TOO_LARGE,
        f"{error.message} (this request is about {request:,} {counted}, more than the whole "
        f"limit of {limit:,}; {NEVER_FITS})",
        provider=error.provider,
        http_status=error.http_status,
        request_id=error.request_id,
        retryable=False,
    )


def _gemini_per_day(details: Any) -> bool:
    if not isinstance(details, list):
        return False
    for item in details:
        if not isinstance(item, dict):
            continue
        for violation in item.get("violations") or ():
            if isinstance(violation, dict) and "PerDay" in str(violation.get("quotaId", "")):
                return True
    return False


def _message(provider: str, code: ErrorCode, text: str, secrets: Iterable[str | None]) -> str:
    message = redact(text.strip(), secrets)
    if code is ErrorCode.AUTH:
        message += f" (check the key: `fiedler keys set {provider}`)"
    elif code is ErrorCode.REQUEST_TOO_LARGE and _OPENAI_REQUESTED.search(message):
        message += f" ({NEVER_FITS})"
    return message


def _json_or_none(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None


def _int_or_none(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None
