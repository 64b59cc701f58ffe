"""Reasoning controls: which ``reasoning_effort`` and thinking budget a model takes, per send.

Which model accepts what is data in models.yaml (``reasoning_efforts``,
``thinking_budget_range``); these rules check a value against that data, for the config's
defaults (with the file's line, see ``config.loader``) and for a send's overrides alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fiedler_tui.core.config.schema import (
    REASONING_EFFORTS,
    ModelSpec,
    ReasoningEffort,
)

ANTHROPIC_MIN_THINKING = 1024
"""Anthropic refuses a ``thinking.budget_tokens`` below this."""
_THINKING_KINDS = frozenset({"anthropic", "gemini"})
_EFFORT_KINDS = frozenset({"openai", "openai-compatible"})


@dataclass(frozen=True)
class ReasoningChoice:
    """A send's overrides of each model's reasoning defaults (None: the model's own).

    A value applies to the models that take that control and is left out for the others.
    """

    effort: ReasoningEffort | None = None
    thinking_budget: int | None = None

    @property
    def is_default(self) -> bool:
        return self.effort is None and self.thinking_budget is None


def reasoning_choice(effort: str | None, thinking_budget: int | None) -> ReasoningChoice:
    """A choice from loosely typed input (an effort outside the known ones is a ValueError)."""
    if effort is None:
        return ReasoningChoice(None, thinking_budget)
    for known in REASONING_EFFORTS:
        if known == effort:
            return ReasoningChoice(known, thinking_budget)
    raise ValueError(f"unknown reasoning effort {effort!r}")


@dataclass(frozen=True)
class ReasoningSettings:
    """What one model is sent: its defaults with the send's overrides applied."""

    effort: ReasoningEffort | None = None
    thinking_budget: int | None = None
    """None: no budget sent; 0: thinking off."""
    include_thoughts: bool = False

    @property
    def thinks(self) -> bool:
        """True when a positive thinking budget is sent."""
        return bool(self.thinking_budget)


def settings_for(model: ModelSpec, choice: ReasoningChoice | None = None) -> ReasoningSettings:
    """``model``'s reasoning settings for a send with ``choice``."""
    choice = choice or ReasoningChoice()
    effort = model.reasoning_effort
    if choice.effort is not None and choice.effort in model.reasoning_efforts:
        effort = choice.effort
    budget = model.thinking_budget
    if choice.thinking_budget is not None and model.thinking_budget_range is not None:
        budget = choice.thinking_budget
    return ReasoningSettings(effort, budget, model.include_thoughts)


def thinking_budget_problem(
    budget: int, accepted: tuple[int, int], *, off_allowed: bool, reserve: int
) -> str | None:
    """Why ``budget`` cannot be sent to a model taking budgets in ``accepted`` with a
    completion limit of ``reserve`` (None when it can)."""
    low, high = accepted
    if budget == 0:
        if off_allowed or low == 0:
            return None
        return f"thinking cannot be turned off for this model (budgets {low:,}-{high:,})"
    if not low <= budget <= high:
        return f"{budget:,} is outside the budgets the model takes ({low:,}-{high:,})"
    if budget >= reserve:
        return (
            f"{budget:,} must be smaller than the completion reserve ({reserve:,}): the "
            "reserve covers the thinking and the answer; raise max_completion_tokens"
        )
    return None


def choice_problems(model: ModelSpec, choice: ReasoningChoice, reserve: int) -> list[str]:
    """Why ``choice`` cannot be sent to ``model`` with ``reserve`` completion tokens."""
    problems: list[str] = []
    efforts = model.reasoning_efforts
    if choice.effort is not None and efforts and choice.effort not in efforts:
        accepted = ", ".join(efforts)
        problems.append(f"{model.name} takes reasoning effort {accepted}, not {choice.effort!r}")
    budget = settings_for(model, choice).thinking_budget
    if budget is not None and model.thinking_budget_range is not None:
        problem = thinking_budget_problem(
            budget,
            model.thinking_budget_range,
            off_allowed=model.thinking_optional,
            reserve=reserve,
        )
        if problem:
            problems.append(f"{model.name}: thinking budget {problem}")
    return problems


def unused_choice(models: list[ModelSpec], choice: ReasoningChoice) -> list[str]:
    """An override none of ``models`` takes (a mistyped command, not a per-model detail)."""
    problems: list[str] = []
    if not models:  # "no model selected" says it
        return problems
    names = ", ".join(m.name for m in models)
    if choice.effort is not None and not any(m.reasoning_efforts for m in models):
        problems.append(f"none of the models takes a reasoning effort ({names})")
    if choice.thinking_budget is not None and not any(m.thinking_budget_range for m in models):
        problems.append(f"none of the models takes a thinking budget ({names})")
    return problems


Problem = tuple[tuple[str | int, ...], str]


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def model_problems(base: tuple[str | int, ...], model: dict[str, Any], kind: Any) -> list[Problem]:
    """Rules across one raw models.yaml entry's reasoning fields (field types are checked by
    the schema); ``kind`` is its provider's kind, or None when unknown."""
    problems: list[Problem] = []
    efforts = model.get("reasoning_efforts")
    effort = model.get("reasoning_effort")
    if efforts and kind in _THINKING_KINDS:
        problems.append(
            (
                (*base, "reasoning_efforts"),
                f"kind {kind} takes a thinking budget (thinking_budget_range), not a reasoning "
                "effort",
            )
        )
    if isinstance(effort, str) and effort in REASONING_EFFORTS:
        listed = efforts if isinstance(efforts, list) else []
        if effort not in listed:
            accepted = ", ".join(str(e) for e in listed) or "none: list them in reasoning_efforts"
            problems.append(
                (
                    (*base, "reasoning_effort"),
                    f"must be one the model accepts (reasoning_efforts: {accepted})",
                )
            )
    accepted_range = model.get("thinking_budget_range")
    low = high = None
    if isinstance(accepted_range, list) and len(accepted_range) == 2:
        low, high = _int(accepted_range[0]), _int(accepted_range[1])
    if accepted_range is not None and kind in _EFFORT_KINDS:
        problems.append(
            (
                (*base, "thinking_budget_range"),
                f"kind {kind} takes a reasoning effort (reasoning_efforts), not a thinking budget",
            )
        )
    elif low is not None and high is not None:
        if low > high:
            problems.append(
                ((*base, "thinking_budget_range"), f"lowest {low:,} is above highest {high:,}")
            )
        elif kind == "anthropic" and low < ANTHROPIC_MIN_THINKING:
            problems.append(
                (
                    (*base, "thinking_budget_range"),
                    f"Anthropic takes thinking budgets of at least {ANTHROPIC_MIN_THINKING:,}",
                )
            )
    budget = _int(model.get("thinking_budget"))
    reserve = _int(model.get("max_completion_tokens"))
    if budget is not None and budget >= 0:
        if accepted_range is None:
            problems.append(
                (
                    (*base, "thinking_budget"),
                    "this model takes no thinking budget; give the budgets it accepts in "
                    "thinking_budget_range",
                )
            )
        elif low is not None and high is not None and low <= high and reserve:
            problem = thinking_budget_problem(
                budget,
                (low, high),
                off_allowed=model.get("thinking_optional") is True,
                reserve=reserve,
            )
            if problem:
                problems.append(((*base, "thinking_budget"), problem))
        if budget and kind == "anthropic" and model.get("temperature") is not None:
            problems.append(
                (
                    (*base, "temperature"),
                    "Anthropic takes no temperature with extended thinking (thinking_budget "
                    "is set); leave it unset",
                )
            )
    if model.get("include_thoughts") is True and kind != "gemini":
        problems.append(
            (
                (*base, "include_thoughts"),
                "only kind gemini streams thought summaries on request",
            )
        )
    return problems
