"""Provider adapters, the error taxonomy, the retry policy and the SSE decoder.

Adapters are pure: they build a request and parse a stream. Retries, limits and timeouts live in
:mod:`fiedler_tui.core.runner`.
"""

from __future__ import annotations

from fiedler_tui.core.providers.base import Adapter, FinishReason, StreamParser, StreamPart
from fiedler_tui.core.providers.errors import ErrorCode, ErrorInfo, ProviderError, redact
from fiedler_tui.core.providers.listing import ModelListing, list_models
from fiedler_tui.core.providers.profile import ModelProfile
from fiedler_tui.core.providers.registry import adapter_for
from fiedler_tui.core.providers.retry import RetryDecision, RetryPolicy

__all__ = [
    "Adapter",
    "ErrorCode",
    "ErrorInfo",
    "FinishReason",
    "ModelListing",
    "ModelProfile",
    "ProviderError",
    "RetryDecision",
    "RetryPolicy",
    "StreamParser",
    "StreamPart",
    "adapter_for",
    "list_models",
    "redact",
]
