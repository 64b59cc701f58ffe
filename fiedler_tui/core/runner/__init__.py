"""The fan-out runner: one request, many models, one stream of typed events."""

from __future__ import annotations

from fiedler_tui.core.runner.events import (
    Cancelled,
    Failed,
    Finished,
    FirstToken,
    Queued,
    Retrying,
    RunEvent,
    Started,
    TerminalEvent,
    TextDelta,
    ThinkingDelta,
    Timings,
    TokenCounts,
    Usage,
)
from fiedler_tui.core.runner.limits import DEFAULT_GLOBAL_LIMIT, Limits
from fiedler_tui.core.runner.runner import FanOut, Runner, is_terminal

__all__ = [
    "DEFAULT_GLOBAL_LIMIT",
    "Cancelled",
    "Failed",
    "FanOut",
    "Finished",
    "FirstToken",
    "Limits",
    "Queued",
    "Retrying",
    "RunEvent",
    "Runner",
    "Started",
    "TerminalEvent",
    "TextDelta",
    "ThinkingDelta",
    "Timings",
    "TokenCounts",
    "Usage",
    "is_terminal",
]
