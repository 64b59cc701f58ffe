"""Compose's reasoning keys: ctrl+r cycles the reasoning effort, ctrl+o the thinking budget.

Each value applies to the selected models that take that control (models.yaml says which) and
goes through the preview like the rest: one a model cannot take is a reason not to send. The
first step is each model's own default from models.yaml.
"""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")

EFFORT_STEPS: tuple[str | None, ...] = (None, "minimal", "low", "medium", "high")
BUDGET_STEPS: tuple[int | None, ...] = (None, 0, 1024, 4096, 8192, 16384, 32768)
"""None: each model's own; 0: thinking off where a model allows it."""


def next_step(steps: tuple[T, ...], current: T) -> T:
    """The step after ``current`` (the first after the last, or for a value not listed)."""
    try:
        return steps[(steps.index(current) + 1) % len(steps)]
    except ValueError:
        return steps[0]


def effort_text(effort: str | None, own: str = "each model's own") -> str:
    """``own``: what None means (a follow-up: what each model's turn 1 was sent)."""
    if effort is None:
        return f"reasoning effort: {own} (ctrl+r: minimal, low, medium, high)"
    return f"reasoning effort: {effort}, for the models that take one (ctrl+r: next)"


def budget_text(budget: int | None, own: str = "each model's own") -> str:
    if budget is None:
        return f"thinking budget: {own} (ctrl+o: off, then 1,024 to 32,768 tokens)"
    if budget == 0:
        return "thinking: off, where a model allows it (ctrl+o: next)"
    return (
        f"thinking budget: {budget:,} tokens, within each model's completion reserve (ctrl+o: next)"
    )
