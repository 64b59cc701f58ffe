"""One model's budget: input plus reserved completion against its context window."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from fiedler_tui.core.tokens.methods import CountMethod

NEAR_PERCENT = 90
LARGEST_FILES_SHOWN = 5


class BudgetStatus(StrEnum):
    FITS = "fits"
    NEAR = "near"
    """Fits, but uses more than 90 % of the window."""
    OVER = "over"
    """Input plus reserved completion exceed the window: this model cannot be sent."""


def budget_status(total_tokens: int, context_window: int) -> BudgetStatus:
    """``over`` above the window, ``near`` above 90 % of it (exactly full is ``near``)."""
    if total_tokens > context_window:
        return BudgetStatus.OVER
    if total_tokens * 100 > context_window * NEAR_PERCENT:
        return BudgetStatus.NEAR
    return BudgetStatus.FITS


@dataclass(frozen=True)
class FileTokens:
    path: str
    tokens: int


@dataclass(frozen=True)
class ModelBudget:
    """The dry run's verdict for one model."""

    alias: str
    provider: str
    model: str
    """The id sent on the wire."""
    count_method: CountMethod
    encoding: str
    basis: str
    """How the count was made, e.g. ``o200k_base × 1.6 (band 1.2–2)``."""
    input_tokens: int
    """System + prompt + package + per-message overhead (the estimate's point value)."""
    input_range: tuple[int, int] | None
    """Low and high input counts from the estimate's error band (None for exact counts)."""
    completion_reserve: int
    context_window: int
    status: BudgetStatus
    tokens_to_remove: int
    """How many input tokens must go for this model to fit (0 when it fits)."""
    cost_usd_max: float
    """price_in × input + price_out × reserved completion, at the price tier the input falls
    in: an upper bound."""
    largest_files: tuple[FileTokens, ...] = ()
    """When over budget: the files costing this model the most tokens."""
    key: str | None = None
    """Where the provider's key comes from: ``keyring``, ``env``, ``missing`` or ``not needed``
    (None: not checked, the dry run was given no key status)."""
    count_fallback: str | None = None
    """Why an ``api`` count was asked for but the figure is the estimate, e.g. ``count endpoint
    failed: 401 invalid x-api-key``."""

    calibration: str | None = None
    """For an estimate corrected by past runs: ``calibrated from N runs, ±x %``."""
    estimate_base: int | None = None
    """For an estimate: the input before any calibration (what a finished run's reported
    input is compared with, so corrections never compound)."""
    count_note: str | None = None
    """A plain warning about the figure, e.g. that it may be far off."""
    thinking_budget: int | None = None
    """Thinking tokens sent (a part of ``completion_reserve``, the rest is for the answer)."""
    reasoning_effort: str | None = None
    """The reasoning effort sent (its reasoning tokens come out of ``completion_reserve``)."""
    price_tier: int | None = None
    """The prompt-token threshold of the long-context price tier ``cost_usd_max`` is priced at
    (None: the model's base prices)."""
    model_max_completion: int | None = None
    """The model's own ``max_completion_tokens`` from models.yaml (the reserve unless a send
    asks for another)."""

    @property
    def reserve_to_fit(self) -> int | None:
        """When over budget because of the completion reserve (the reserve is the larger part of
        the request, or above the model's own maximum) and the input alone fits: the reserve
        that would fit, at most the model's own maximum. None otherwise."""
        room = self.context_window - self.input_tokens
        if self.fits or room <= 0:
            return None
        own = self.model_max_completion
        above_own = own is not None and self.completion_reserve > own
        if self.completion_reserve < self.input_tokens and not above_own:
            return None
        return min(room, own) if own is not None else room

    @property
    def reserve_advice(self) -> str | None:
        """``lower --max-completion-tokens to 8,000``, naming the models.yaml value when it is
        that; None when the reserve is not what to change."""
        target = self.reserve_to_fit
        if target is None:
            return None
        own = target == self.model_max_completion
        return f"lower --max-completion-tokens to {target:,}" + (
            " (its models.yaml max_completion_tokens)" if own else ""
        )

    @property
    def reserve_label(self) -> str:
        """``16,000`` or ``16,000 (thinking 8,000 + answer 8,000)``."""
        label = f"{self.completion_reserve:,}"
        if self.thinking_budget:
            answer = self.completion_reserve - self.thinking_budget
            label += f" (thinking {self.thinking_budget:,} + answer {answer:,})"
        elif self.reasoning_effort:
            label += f" (reasoning {self.reasoning_effort} + answer)"
        return label

    @property
    def count_label(self) -> str:
        """``api``, ``exact``, ``estimate``, ``estimate, calibrated from N runs, ±x %``, and
        ``(count endpoint failed: …)`` or a warning after it when there is one."""
        label = str(self.count_method)
        if self.calibration:
            label += f", {self.calibration}"
        notes = [n for n in (self.count_fallback, self.count_note) if n]
        if notes:
            label += f" ({'; '.join(notes)})"
        return label

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.completion_reserve

    @property
    def fits(self) -> bool:
        return self.status is not BudgetStatus.OVER

    def to_json(self) -> dict[str, object]:
        return {
            "alias": self.alias,
            "provider": self.provider,
            "model": self.model,
            "input_tokens": self.input_tokens,
            "input_range": list(self.input_range) if self.input_range else None,
            "count_method": str(self.count_method),
            "encoding": self.encoding,
            "basis": self.basis,
            "completion_reserve": self.completion_reserve,
            "context_window": self.context_window,
            "total_tokens": self.total_tokens,
            "fits": self.fits,
            "status": str(self.status),
            "tokens_to_remove": self.tokens_to_remove,
            "reserve_to_fit": self.reserve_to_fit,
            "cost_usd_max": round(self.cost_usd_max, 6),
            "price_tier": self.price_tier,
            "largest_files": [{"path": f.path, "tokens": f.tokens} for f in self.largest_files],
            "key": self.key,
            "count_fallback": self.count_fallback,
            "calibration": self.calibration,
            "estimate_base": self.estimate_base,
            "count_note": self.count_note,
            "count_label": self.count_label,
            "thinking_budget": self.thinking_budget,
            "reasoning_effort": self.reasoning_effort,
        }
