"""The provider-call error taxonomy: one exception type with a stable code.

Every failure of a model call (an HTTP status, a network fault, a timeout, a broken stream) ends up
as a :class:`ProviderError` whose ``code`` the UI and the CLI can switch on. Messages are built
from server text that passed through :func:`redact`, so a key echoed by a server never leaks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from fiedler_tui.core.redaction import mask_secrets


class ErrorCode(StrEnum):
    """Stable machine codes; never renamed, only added to."""

    AUTH = "auth"
    PERMISSION = "permission"
    MODEL_NOT_FOUND = "model_not_found"
    BAD_REQUEST = "bad_request"
    CONTEXT_LENGTH_EXCEEDED = "context_length_exceeded"
    REQUEST_TOO_LARGE = "request_too_large"
    RATE_LIMITED = "rate_limited"
    QUOTA_EXHAUSTED = "quota_exhausted"
    CONFLICT = "conflict"
    OVERLOADED = "overloaded"
    SERVER_ERROR = "server_error"
    TIMEOUT = "timeout"
    NETWORK = "network"
    PROTOCOL = "protocol"
    CANCELLED = "cancelled"
    INTERNAL = "internal"
    """A bug in fiedler itself; the traceback is in the log file."""


TITLES: dict[ErrorCode, str] = {
    ErrorCode.AUTH: "Authentication failed",
    ErrorCode.PERMISSION: "Permission denied",
    ErrorCode.MODEL_NOT_FOUND: "Model not found",
    ErrorCode.BAD_REQUEST: "Request rejected",
    ErrorCode.CONTEXT_LENGTH_EXCEEDED: "Context window exceeded",
    ErrorCode.REQUEST_TOO_LARGE: "Request too large",
    ErrorCode.RATE_LIMITED: "Rate limited",
    ErrorCode.QUOTA_EXHAUSTED: "Quota exhausted",
    ErrorCode.CONFLICT: "Conflict",
    ErrorCode.OVERLOADED: "Provider overloaded",
    ErrorCode.SERVER_ERROR: "Provider error",
    ErrorCode.TIMEOUT: "Timed out",
    ErrorCode.NETWORK: "Network error",
    ErrorCode.PROTOCOL: "Unexpected response",
    ErrorCode.CANCELLED: "Cancelled",
    ErrorCode.INTERNAL: "Internal error",
}


@dataclass(frozen=True, kw_only=True)
class ErrorInfo:
    """The plain data of a provider error (what events and run summaries carry)."""

    code: ErrorCode
    message: str
    provider: str
    http_status: int | None = None
    retry_count: int = 0
    request_id: str | None = None

    @property
    def title(self) -> str:
        return TITLES[self.code]


class ProviderError(Exception):
    """A failed provider call, classified.

    ``retryable`` and ``retry_after_s`` are the classifier's verdict for the retry loop; the
    user-facing part is :attr:`info`.
    """

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        *,
        provider: str,
        http_status: int | None = None,
        retry_count: int = 0,
        request_id: str | None = None,
        retryable: bool = False,
        retry_after_s: float | None = None,
    ) -> None:
        self.info = ErrorInfo(
            code=code,
            message=message,
            provider=provider,
            http_status=http_status,
            retry_count=retry_count,
            request_id=request_id,
        )
        self.retryable = retryable
        self.retry_after_s = retry_after_s
        super().__init__(self.describe())

    @property
    def code(self) -> ErrorCode:
        return self.info.code

    @property
    def message(self) -> str:
        return self.info.message

    @property
    def provider(self) -> str:
        return self.info.provider

    @property
    def http_status(self) -> int | None:
        return self.info.http_status

    @property
    def retry_count(self) -> int:
        return self.info.retry_count

    @property
    def request_id(self) -> str | None:
        return self.info.request_id

    def describe(self) -> str:
        status = f" (HTTP {self.info.http_status})" if self.info.http_status else ""
        return f"{self.info.provider}: {self.info.code}{status}: {self.info.message}"

    def with_retry_count(self, retry_count: int) -> ProviderError:
        """The same error, stamped with how many retries were taken before it."""
        info = replace(self.info, retry_count=retry_count)
        return ProviderError(
            info.code,
            info.message,
            provider=info.provider,
            http_status=info.http_status,
            retry_count=info.retry_count,
            request_id=info.request_id,
            retryable=self.retryable,
            retry_after_s=self.retry_after_s,
        )


MAX_MESSAGE_CHARS = 600


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """Remove the given secrets and anything shaped like a well-known API key; clip the length."""
    text = mask_secrets(text, secrets, "[redacted]")
    if len(text) > MAX_MESSAGE_CHARS:
        text = text[: MAX_MESSAGE_CHARS - 1] + "…"
    return text
