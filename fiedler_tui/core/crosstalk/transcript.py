"""``transcript.md``: a deliberation in reading order, round by round, then its result."""

from __future__ import annotations

from collections.abc import Sequence

from fiedler_tui.core.crosstalk.events import DroppedOut, Outcome, TurnRecord
from fiedler_tui.core.crosstalk.plan import Plan

PHASE_TITLES = {
    "answer": "answers",
    "relay": "relay lap",
    "review": "reviews and rankings",
    "ledger": "the chair's ledger",
    "synthesis": "the chair's synthesis",
    "report": "the chair's report",
}


def render_transcript(
    plan: Plan,
    turns: Sequence[TurnRecord],
    dropped: Sequence[DroppedOut],
    outcome: Outcome | None,
) -> str:
    lines = [f"# Crosstalk: {plan.paradigm.value}, {plan.rounds} round(s) planned", ""]
    for member in plan.members:
        persona = f" (persona: {member.persona})" if member.persona else ""
        lines.append(f"- Reviewer {member.letter}: {member.alias}{persona}")
    if plan.chair:
        also = " (also a member: it may favour its own answer)" if plan.chair_is_member else ""
        lines.append(f"- Chair: {plan.chair}{also}")
    lines.append("")
    if outcome is None:
        lines += ["Status: running (or interrupted)", ""]
    else:
        reason = f" ({outcome.reason})" if outcome.reason else ""
        lines += [
            f"Status: {outcome.status}{reason}; {outcome.rounds_run} round(s) run; "
            f"cost ${outcome.cost_usd:.4f}",
            "",
        ]
    step: tuple[int, str] | None = None
    for turn in turns:
        if (turn.round, turn.phase) != step:
            step = (turn.round, turn.phase)
            lines += [f"## Round {turn.round}: {PHASE_TITLES[turn.phase]}", ""]
            for drop in dropped:
                if drop.round == turn.round and turn.phase in ("answer", "relay", "review"):
                    lines += [f"*{drop.member} dropped out: {drop.reason}*", ""]
        who = "Chair" if turn.role == "chair" else f"Reviewer {turn.letter}"
        status = "" if turn.status == "finished" else f" ({turn.status})"
        lines += [f"### {who}: {turn.member}{status}", ""]
        if turn.text:
            lines += [turn.text.rstrip(), ""]
        if turn.error is not None:
            lines += [f"*{turn.error.title}: {turn.error.message}*", ""]
        lines += [f"*{_usage_line(turn)}*", ""]
    if outcome is not None:
        lines += [f"## Result: {outcome.result_kind}", ""]
        lines += [outcome.result.rstrip() if outcome.result else "(no result)", ""]
        for note in outcome.notes:
            lines += [f"*Note: {note}*", ""]
    return "\n".join(lines)


def _usage_line(turn: TurnRecord) -> str:
    usage = turn.usage
    parts: list[str] = [turn.status]
    if usage.input_tokens is not None:
        cached = f" ({usage.cached_input_tokens:,} cached)" if usage.cached_input_tokens else ""
        parts.append(f"{usage.input_tokens:,} in{cached}")
    if usage.output_tokens is not None:
        estimated = " (estimated)" if usage.output_estimated else ""
        parts.append(f"{usage.output_tokens:,} out{estimated}")
    if turn.verdict is not None:
        confidence = "" if turn.verdict.confidence is None else f", {turn.verdict.confidence}"
        parts.append(f"verdict {turn.verdict.stance}{confidence}")
    if turn.ranking:
        parts.append("ranking " + " > ".join(turn.ranking))
    parts.append(f"${turn.cost_usd:.4f}")
    return " · ".join(parts)
