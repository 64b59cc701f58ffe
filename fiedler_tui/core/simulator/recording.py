"""What the simulator saw: every request, and how many were in flight at once."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any


@dataclass(kw_only=True)
class RecordedRequest:
    """One request as received (header names lower-case; ``body`` is the parsed JSON)."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any
    dialect: str
    prefix: str
    model: str | None
    attempt: int
    """1-based count of requests this model received so far (including this one)."""
    status: int = 0
    client_disconnected: bool = False
    """True when the client closed the connection before the response was complete."""


@dataclass
class Recorder:
    """Request log plus concurrency counters, overall and per URL prefix."""

    requests: list[RecordedRequest] = field(default_factory=list)
    active: int = 0
    peak: int = 0
    active_by_prefix: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    peak_by_prefix: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def enter(self, prefix: str) -> None:
        self.active += 1
        self.peak = max(self.peak, self.active)
        self.active_by_prefix[prefix] += 1
        self.peak_by_prefix[prefix] = max(
            self.peak_by_prefix[prefix], self.active_by_prefix[prefix]
        )

    def leave(self, prefix: str) -> None:
        self.active -= 1
        self.active_by_prefix[prefix] -= 1

    def for_model(self, model: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.model == model]

    def reset(self) -> None:
        self.requests.clear()
        self.peak = self.active
        self.peak_by_prefix.clear()
        self.peak_by_prefix.update(self.active_by_prefix)
