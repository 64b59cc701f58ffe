"""The typed events of a deliberation, for the front ends.

Per round: ``RoundStarted``, then the runner's events of each turn wrapped in ``TurnEvent``
(with round, member and letter), ``VerdictGiven`` after each debate or memory answer of round 2
on, ``DroppedOut`` when a member leaves, and ``RoundEnded``. The last event is always
``DeliberationEnded`` with the outcome.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from fiedler_tui.core.crosstalk.verdict import Verdict
from fiedler_tui.core.providers.errors import ErrorInfo
from fiedler_tui.core.runner.events import RunEvent, TokenCounts

Phase = Literal["answer", "relay", "review", "ledger", "synthesis", "report"]
"""answer: members answer (blind in round 1); relay: one lap of the chain; review: report's
ranking round; ledger: the chair updates memory's ledger; synthesis/report: the chair's result."""
Role = Literal["member", "chair"]
TurnStatus = Literal["finished", "failed", "cancelled"]
Status = Literal["complete", "degraded", "stopped", "cancelled"]
"""complete: every round ran and the result is whole; degraded: the chair failed, members'
answers are intact but there is no synthesis; stopped: fewer than two members remained;
cancelled: the user cancelled the deliberation."""


@dataclass(frozen=True, kw_only=True)
class RoundStarted:
    round: int
    rounds: int
    """Member rounds planned (laps for relay); chair steps carry the round they follow."""
    phase: Phase
    members: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class TurnEvent:
    round: int
    phase: Phase
    member: str
    letter: str | None
    """None for the chair's own turns."""
    role: Role
    event: RunEvent


@dataclass(frozen=True, kw_only=True)
class VerdictGiven:
    round: int
    member: str
    letter: str
    verdict: Verdict | None
    """None when the answer ended without a readable verdict (counts as not agreeing)."""


@dataclass(frozen=True, kw_only=True)
class DroppedOut:
    round: int
    member: str
    reason: str
    code: str | None = None
    """The error code that caused it (``quota_exhausted``...), None for a cancellation."""


@dataclass(frozen=True, kw_only=True)
class TurnRecord:
    """One turn as it ended."""

    round: int
    phase: Phase
    member: str
    letter: str | None
    role: Role
    status: TurnStatus
    text: str
    usage: TokenCounts
    cost_usd: float
    error: ErrorInfo | None = None
    verdict: Verdict | None = None
    ranking: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class RoundEnded:
    round: int
    phase: Phase
    turns: tuple[TurnRecord, ...]
    consensus: bool | None = None
    """Debate and memory answer rounds from 2 on: True when every remaining member agreed."""
    spent_usd: float = 0.0
    """The real spend of the deliberation so far (reported usage at the models' prices)."""
    worst_case_usd: float | None = None
    """The whole deliberation's worst-case cost, when a budget was given."""
    replayed: bool = False
    """A step of a resumed deliberation taken from its saved turns (nothing was sent)."""


@dataclass(frozen=True, kw_only=True)
class Outcome:
    status: Status
    result_kind: Literal["consensus", "no consensus", "relay answer", "report", "ledger", "none"]
    result: str
    """The chair's report or synthesis, the final ledger, or the final relay answer; empty when
    there is none (``status`` says why)."""
    rounds_run: int
    consensus: bool | None
    chair: str | None
    chair_is_member: bool
    turns: tuple[TurnRecord, ...]
    dropped: tuple[DroppedOut, ...]
    reason: str = ""
    """Why the deliberation is not complete, in words."""
    cost_usd: float = 0.0
    notes: tuple[str, ...] = field(default=())


@dataclass(frozen=True, kw_only=True)
class DeliberationEnded:
    outcome: Outcome


CrosstalkEvent = (
    RoundStarted | TurnEvent | VerdictGiven | DroppedOut | RoundEnded | DeliberationEnded
)
