"""Crosstalk: two to five models deliberate on one question (debate, relay, report, memory).

``build_plan`` checks the choices, ``Deliberation`` runs the plan through the shared Runner and
reports typed events; every prompt lives in ``prompts``.
"""

from __future__ import annotations

from fiedler_tui.core.crosstalk.engine import Deliberation
from fiedler_tui.core.crosstalk.errors import CrosstalkInputError
from fiedler_tui.core.crosstalk.events import (
    CrosstalkEvent,
    DeliberationEnded,
    DroppedOut,
    Outcome,
    RoundEnded,
    RoundStarted,
    TurnEvent,
    TurnRecord,
    VerdictGiven,
)
from fiedler_tui.core.crosstalk.plan import Member, Paradigm, Plan, build_plan
from fiedler_tui.core.crosstalk.verdict import Verdict, parse_verdict

__all__ = [
    "CrosstalkEvent",
    "CrosstalkInputError",
    "Deliberation",
    "DeliberationEnded",
    "DroppedOut",
    "Member",
    "Outcome",
    "Paradigm",
    "Plan",
    "RoundEnded",
    "RoundStarted",
    "TurnEvent",
    "TurnRecord",
    "Verdict",
    "VerdictGiven",
    "build_plan",
    "parse_verdict",
]
