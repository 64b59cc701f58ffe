"""The words of a deliberation on screen: the header, a folded turn, the result's title.

Plain functions of the engine's records, so the Deliberation and Review screens say the same
thing the same way (and tests read them without a terminal).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fiedler_tui.core.crosstalk.events import Outcome, TurnRecord
from fiedler_tui.core.crosstalk.verdict import Verdict

RESULT_TITLES = {
    "consensus": "Consensus",
    "no consensus": "No consensus",
    "relay answer": "Final relay answer",
    "report": "Chair's report",
    "ledger": "Final ledger",
    "none": "No result",
}

VOTING = frozenset({"debate", "memory"})
"""The paradigms whose members give verdicts (and so reach a consensus or not)."""


def verdict_text(verdict: Verdict | None) -> str:
    if verdict is None:
        return ""
    confidence = "" if verdict.confidence is None else f" {verdict.confidence}%"
    return f"{verdict.stance}{confidence}"


def turn_who(member: str, letter: str | None, role: str) -> str:
    return f"{member} (chair)" if role == "chair" or letter is None else f"{member} ({letter})"


def fold_line(turn: TurnRecord) -> str:
    """One line per turn of an earlier round: round, member, status, verdict, cost."""
    parts = [
        f"R{turn.round} {turn.phase}",
        turn_who(turn.member, turn.letter, turn.role),
        turn.status,
    ]
    verdict = verdict_text(turn.verdict)
    if verdict:
        parts.append(f"verdict {verdict}")
    elif turn.phase == "answer" and turn.round > 1 and turn.status == "finished":
        parts.append("no readable verdict")
    if turn.ranking:
        parts.append("ranks " + " > ".join(turn.ranking))
    parts.append(f"${turn.cost_usd:.4f}")
    return " · ".join(parts)


@dataclass
class HeaderState:
    """What the header says; updated from the events."""

    paradigm: str
    rounds: int
    worst_case_usd: float
    round: int = 0
    phase: str = ""
    spent_usd: float = 0.0
    consensus: bool | None = None
    status: str = "starting"
    chair: str | None = None
    chair_is_member: bool = False


def header_text(state: HeaderState) -> str:
    """``Crosstalk debate · round 2 of 3 (answer) · $0.0012 of worst case $0.0400 · …``."""
    where = "not started" if state.round == 0 else f"round {state.round} of {state.rounds}"
    if state.phase:
        where += f" ({state.phase})"
    consensus = {True: "consensus", False: "no consensus yet", None: "consensus: not judged yet"}
    parts = [
        f"Crosstalk {state.paradigm}",
        where,
        f"${state.spent_usd:.4f} of worst case ${state.worst_case_usd:.4f}",
    ]
    if state.paradigm in VOTING:  # relay and report never judge a consensus
        parts.append(consensus[state.consensus])
    parts.append(state.status)
    if state.chair:
        parts.append(f"chair {state.chair}" + (" (also a member)" if state.chair_is_member else ""))
    return " · ".join(parts)


def outcome_line(outcome: Outcome) -> str:
    """``complete · Consensus · 2 rounds · $0.0031`` and, when any, who dropped out."""
    parts = [outcome.status, RESULT_TITLES.get(outcome.result_kind, outcome.result_kind)]
    parts.append(f"{outcome.rounds_run} round{'s' if outcome.rounds_run != 1 else ''}")
    parts.append(f"${outcome.cost_usd:.4f}")
    line = " · ".join(parts)
    if outcome.reason:
        line += f" ({outcome.reason})"
    dropped = _dropped(outcome.dropped)
    return f"{line}\n{dropped}" if dropped else line


def _dropped(dropped: Sequence[object]) -> str:
    words = []
    for item in dropped:
        member = getattr(item, "member", "?")
        round_number = getattr(item, "round", "?")
        reason = getattr(item, "reason", "")
        words.append(f"{member} dropped out in round {round_number}: {reason}")
    return "; ".join(words)
