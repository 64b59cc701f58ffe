"""The conversation each turn sends: stable part first (system, package, question), then what
changes (own previous answer, the others' answers or the ledger, the instruction)."""

from __future__ import annotations

from fiedler_tui.core.crosstalk.plan import Member, Plan
from fiedler_tui.core.request import ReviewRequest, Turn


def first_turn(plan: Plan, member: Member, prompt: str | None = None) -> ReviewRequest:
    """System (persona), package, then the question (or ``prompt``): one user turn."""
    return ReviewRequest(
        prompt=plan.question if prompt is None else prompt,
        package_text=plan.package_text,
        system=member.system,
        max_completion_tokens=plan.max_completion_tokens,
        reasoning=plan.reasoning,
    )


def follow_up(plan: Plan, member: Member, own_answer: str, message: str) -> ReviewRequest:
    """The first turn, the member's own latest answer, then ``message`` (others, ledger...)."""
    return ReviewRequest(
        prompt=plan.question,
        package_text=plan.package_text,
        system=member.system,
        max_completion_tokens=plan.max_completion_tokens,
        reasoning=plan.reasoning,
        follow_up=(Turn("assistant", own_answer), Turn("user", message)),
    )


def chair_turn(plan: Plan, prompt: str) -> ReviewRequest:
    """The chair's request: its own system prompt, the package, then ``prompt``."""
    return ReviewRequest(
        prompt=prompt,
        package_text=plan.package_text,
        system=plan.chair_system,
        max_completion_tokens=plan.max_completion_tokens,
        reasoning=plan.reasoning,
    )
