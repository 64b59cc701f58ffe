"""The adapter interface: build one HTTP request, then parse its event stream into parts.

An adapter knows one wire format and nothing else: no retries, no timeouts, no concurrency (the
runner owns those), so each adapter is a pair of pure functions that tests can pin down exactly.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass
from json.scanner import make_scanner
from typing import Any, Literal, NamedTuple, cast

from fiedler_tui import __version__
from fiedler_tui.core.config.schema import ProviderKind
from fiedler_tui.core.providers.errors import ErrorCode, ProviderError
from fiedler_tui.core.providers.profile import ModelProfile
from fiedler_tui.core.providers.sse import ServerSentEvent
from fiedler_tui.core.request import ReviewRequest

FinishReason = Literal["stop", "length", "content_filter", "tool_calls", "other"]


@dataclass(frozen=True, kw_only=True)
class WireRequest:
    """An HTTP request ready to send (the key is inside ``headers``: never log them)."""

    method: str
    url: str
    headers: dict[str, str]
    json: dict[str, Any]


class StreamPart(NamedTuple):
    """What one stream event contributed; usage counts are cumulative totals, not increments.

    A named tuple (immutable, and several times cheaper to build than a frozen dataclass: most
    streamed tokens make one). Build it with keywords.
    """

    text: str = ""
    input_tokens: int | None = None
    """All input tokens of the request, cached ones included (whatever the wire format)."""
    output_tokens: int | None = None
    finish_reason: FinishReason | None = None
    raw_finish_reason: str | None = None
    cached_input_tokens: int | None = None
    """Input tokens read from the provider's prompt cache (part of ``input_tokens``)."""
    cache_write_tokens: int | None = None
    """Input tokens written to the prompt cache (part of ``input_tokens``; Anthropic bills them
    at its cache write price)."""
    thinking: str = ""
    """Reasoning text streamed apart from the answer (never part of ``text``)."""
    reasoning_tokens: int | None = None
    """The part of ``output_tokens`` spent thinking, where the provider reports it."""


class StreamParser(ABC):
    """Turns one response's server-sent events into parts; raises ProviderError on errors."""

    def __init__(self, provider: str, request_id: str | None, secrets: tuple[str, ...]) -> None:
        self.provider = provider
        self.request_id = request_id
        self.secrets = secrets
        """Key values to strip from any server text that ends up in an error message."""
        self.done = False
        """True once the stream's terminator arrived (nothing more needs reading)."""

    @abstractmethod
    def feed(self, event: ServerSentEvent) -> list[StreamPart]:
        """Parts carried by ``event``."""

    @abstractmethod
    def close(self) -> None:
        """Called at end of stream; raises a ``protocol`` ProviderError if it was cut short."""


class Adapter(ABC):
    """One wire format."""

    kind: ProviderKind

    @abstractmethod
    def build(self, profile: ModelProfile, request: ReviewRequest, key: str | None) -> WireRequest:
        """The streaming request for ``request`` to ``profile``'s model."""

    parser_class: type[StreamParser]
    """The parser of this wire format's responses."""

    def parser(
        self, profile: ModelProfile, *, request_id: str | None, secrets: tuple[str, ...]
    ) -> StreamParser:
        """A fresh parser for one response."""
        return self.parser_class(profile.provider.name, request_id, secrets)


def base_headers(profile: ModelProfile) -> dict[str, str]:
    """Headers common to every adapter, plus the provider's configured extras."""
    headers = {
        "content-type": "application/json",
        "accept": "text/event-stream",
        "user-agent": f"fiedler-tui/{__version__}",
    }
    headers.update(profile.provider.headers)
    return headers


def join_url(base: str, path: str) -> str:
    return base.rstrip("/") + path


_scan_json = make_scanner(cast(Any, json.JSONDecoder()))
"""The scanner behind ``json.loads``, called directly: one event's JSON per streamed token."""


def event_json(event: ServerSentEvent, provider: str) -> Any:
    """The JSON payload of ``event``; malformed JSON is a ``protocol`` error.

    Exactly ``json.loads``: a document that fills the whole text is taken from the scanner
    directly; anything else (surrounding whitespace, empty, malformed, extra data) goes through
    ``json.loads`` itself, for the same result or the same error.
    """
    data = event.data
    try:
        value, end = _scan_json(data, 0)
    except (StopIteration, ValueError):
        end = -1
    if end == len(data):
        return value
    try:
        return json.loads(data)
    except ValueError:
        snippet = event.data[:80]
        raise ProviderError(
            ErrorCode.PROTOCOL, f"malformed JSON in a stream event: {snippet!r}", provider=provider
        ) from None


def int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
