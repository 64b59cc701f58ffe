"""The interface each simulated wire format implements (one module per provider dialect)."""

from __future__ import annotations

import json
import secrets
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from fiedler_tui.core.simulator.prompt_cache import CacheUse
from fiedler_tui.core.simulator.script import Fault


def dumps(payload: Any) -> str:
    """Compact JSON, as the real servers send it."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def random_id(length: int = 24) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(length))


@dataclass(frozen=True, kw_only=True)
class ErrorReply:
    """A complete non-2xx response."""

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()
    content_type: str = "application/json"


class WireStream(ABC):
    """The bytes of one streamed response, piece by piece."""

    content_type = "text/event-stream"

    def __init__(self, *, model: str, body: Any, input_tokens: int) -> None:
        self.model = model
        self.body = body
        self.input_tokens = input_tokens
        """Every input token, cached ones included."""
        self.cache = CacheUse()
        """The part of ``input_tokens`` read from and written to the simulated prompt cache."""
        self.extra_headers: tuple[tuple[str, str], ...] = ()
        """Sent after :meth:`headers` (the simulated rate-limit headers)."""
        self.thinking = False
        """True when reasoning fragments are streamed before the reply (set before
        :meth:`opening`)."""

    def headers(self) -> tuple[tuple[str, str], ...]:
        return ()

    @abstractmethod
    def opening(self) -> bytes:
        """Events sent before the first token."""

    def streams_thoughts(self) -> bool:
        """Whether the request asked for thinking to be streamed (each dialect's own switch)."""
        return True

    def thought(self, text: str) -> bytes:
        """A reasoning fragment, streamed apart from the reply text."""
        return b""

    def thoughts_done(self) -> bytes:
        """Sent after the last reasoning fragment, before the first token of the reply."""
        return b""

    @abstractmethod
    def token(self, text: str) -> bytes:
        """One token of reply text."""

    @abstractmethod
    def closing(self, *, finish: str, output_tokens: int, thought_tokens: int) -> bytes:
        """Finish reason, usage and the terminator; ``output_tokens`` counts the reply only,
        ``thought_tokens`` the reasoning (each dialect reports them its own way)."""

    @abstractmethod
    def error_event(self) -> bytes:
        """An error reported inside the 200 stream."""

    @abstractmethod
    def malformed(self) -> bytes:
        """An event whose JSON is cut off."""


class Dialect(ABC):
    """One provider's request shape, stream format and error bodies."""

    name: str

    @abstractmethod
    def stream(self, *, model: str, body: Any, input_tokens: int) -> WireStream: ...

    @abstractmethod
    def error(self, fault: Fault, model: str) -> ErrorReply:
        """The response for a fault that fails the request before streaming."""

    @abstractmethod
    def not_found(self, model: str) -> ErrorReply:
        """The dialect's real answer for an unknown model."""

    @abstractmethod
    def prompt_text(self, body: Any) -> str:
        """System and user text of a request (for the simulated input-token count)."""

    explicit_cache = False
    """True when only prefixes marked in the request are cached (Anthropic); otherwise the
    longest prefix shared with an earlier request is (OpenAI, Gemini)."""

    def marked_prefix(self, body: Any) -> str | None:
        """The prompt text up to the request's last cache breakpoint (None: nothing marked)."""
        return None
