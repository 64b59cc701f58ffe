"""What the simulator does for each model: latency, pace, reply text and scripted faults.

Scripts are plain frozen dataclasses so a test, the demo and the benchmark can all build them
(and :meth:`ModelScript.to_json` / :meth:`ModelScript.from_json` carry them to a subprocess).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

DEFAULT_REPLY = (
    "The package looks coherent. Two points deserve attention: the retry loop should never "
    "repeat text that was already shown, and every timeout should say which limit was hit."
)
_TOKEN = re.compile(r"\s*\S+\s*|\s+")


class FaultKind(StrEnum):
    """Scripted misbehaviour, rendered in the dialect of the endpoint that was called."""

    RATE_LIMIT = "rate_limit"
    """429 that may be retried; carries Retry-After / retry-after-ms / Gemini RetryInfo."""
    INSUFFICIENT_QUOTA = "insufficient_quota"
    """OpenAI 429 insufficient_quota, Anthropic 400 credit balance, Gemini per-day 429."""
    SERVER_ERROR = "server_error"
    """``status`` 500, 502, 503 or 529 in the dialect's error shape."""
    UNAUTHORIZED = "unauthorized"
    """401 (Gemini answers a bad key with its real 400 API_KEY_INVALID)."""
    NOT_FOUND = "not_found"
    CONTEXT_LENGTH = "context_length"
    """400 context-length error in the dialect's real wording."""
    RESET = "reset"
    """TCP reset: before any response when ``after_tokens`` is 0, else mid-stream."""
    STALL = "stall"
    """Silence after ``after_tokens`` tokens, for ``stall_s`` or until the client leaves."""
    TRUNCATE = "truncate"
    """End the body after ``after_tokens`` tokens without the stream's terminator."""
    MALFORMED = "malformed"
    """A stream event whose JSON is cut off, after ``after_tokens`` tokens."""
    STREAM_ERROR = "stream_error"
    """An error event inside the 200 stream, after ``after_tokens`` tokens."""
    HTTP = "http"
    """A verbatim response: ``status``, ``body`` and ``headers`` as given."""
    HUGE_ERROR = "huge_error"
    """An error ``status`` (500 unless given) whose JSON body is ``body_bytes`` long, streamed in
    64 KiB chunks a few milliseconds apart (a misbehaving proxy); the recorded request's
    ``client_disconnected`` tells whether the client hung up before the end."""


@dataclass(frozen=True, kw_only=True)
class Fault:
    """One scripted fault; a model's faults are used one per request, in order."""

    kind: FaultKind
    status: int | None = None
    after_tokens: int = 0
    retry_after: str | None = None
    """``retry-after`` header value, sent as given (seconds or an HTTP date)."""
    retry_after_ms: str | None = None
    retry_delay: str | None = None
    """Gemini ``RetryInfo.retryDelay``, e.g. ``"38s"``."""
    stall_s: float | None = None
    """None: stall until the client disconnects."""
    body: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    body_bytes: int | None = None
    """``HUGE_ERROR`` only: the body's length (8 MiB unless given)."""

    @classmethod
    def rate_limit(
        cls,
        *,
        retry_after: str | None = None,
        retry_after_ms: str | None = None,
        retry_delay: str | None = None,
    ) -> Fault:
        return cls(
            kind=FaultKind.RATE_LIMIT,
            retry_after=retry_after,
            retry_after_ms=retry_after_ms,
            retry_delay=retry_delay,
        )

    @classmethod
    def server_error(cls, status: int = 500) -> Fault:
        return cls(kind=FaultKind.SERVER_ERROR, status=status)

    @classmethod
    def reset(cls, after_tokens: int = 0) -> Fault:
        return cls(kind=FaultKind.RESET, after_tokens=after_tokens)

    @classmethod
    def stall(cls, after_tokens: int = 0, stall_s: float | None = None) -> Fault:
        return cls(kind=FaultKind.STALL, after_tokens=after_tokens, stall_s=stall_s)

    @classmethod
    def http(cls, status: int, body: str, headers: tuple[tuple[str, str], ...] = ()) -> Fault:
        return cls(kind=FaultKind.HTTP, status=status, body=body, headers=headers)

    @classmethod
    def huge_error(cls, status: int = 500, body_bytes: int | None = None) -> Fault:
        return cls(kind=FaultKind.HUGE_ERROR, status=status, body_bytes=body_bytes)

    @classmethod
    def of(cls, kind: FaultKind, after_tokens: int = 0) -> Fault:
        return cls(kind=kind, after_tokens=after_tokens)


@dataclass(frozen=True, kw_only=True)
class ModelScript:
    """How one model (by wire id) behaves."""

    reply: str = DEFAULT_REPLY
    ttft_s: float = 0.0
    """Delay between receiving the request and the first token."""
    tokens_per_s: float | None = None
    """Pace of the tokens after the first; None sends them as fast as possible."""
    thoughts: str = ""
    """Gemini only: streamed first as ``"thought": true`` parts (clients must skip them)."""
    finish: str = "stop"
    """``stop`` or ``length``, rendered per dialect (end_turn/max_tokens, STOP/MAX_TOKENS)."""
    faults: tuple[Fault, ...] = field(default=())
    deliberates: bool = False
    """Answer a deliberation's requests in kind: a verdict, a ranking or a ledger when the
    request asks for one (see ``simulator.deliberation``)."""
    tokens_per_minute: int | None = None
    """OpenAI and Anthropic dialects: announce this token limit in the response headers (input
    plus the completion limit for OpenAI, input only for Anthropic) and refuse a larger request
    with the provider's 429 (see ``simulator.rate_limits``)."""
    requests_per_minute: int | None = None
    """OpenAI and Anthropic dialects: announce this request limit in the response headers."""
    count_fault: Fault | None = None
    """Fails every count request for this model (``http``, an error kind, or ``stall``); sends
    are not affected (see ``simulator.count_endpoints``)."""

    def tokens(self) -> list[str]:
        """The reply cut into simulated tokens (a word with its surrounding spaces)."""
        return _TOKEN.findall(self.reply)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ModelScript:
        faults = tuple(_fault_from_json(item) for item in data.get("faults", ()))
        count_fault = data.get("count_fault")
        return cls(
            **{
                **data,
                "faults": faults,
                "count_fault": None if count_fault is None else _fault_from_json(count_fault),
            }
        )


def _fault_from_json(item: dict[str, Any]) -> Fault:
    return Fault(
        **{
            **item,
            "kind": FaultKind(item["kind"]),
            "headers": tuple(tuple(pair) for pair in item.get("headers", ())),
        }
    )


def count_tokens(text: str) -> int:
    """The simulator's stand-in for a tokenizer: about four characters per token."""
    return max(1, len(text) // 4)
