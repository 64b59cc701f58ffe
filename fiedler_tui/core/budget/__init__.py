"""Per-model budgets and cost, and the dry run that assembles them."""

from fiedler_tui.core.budget.blockers import Blocker, BlockerKind
from fiedler_tui.core.budget.dry_run import DryRunEngine, DryRunOptions
from fiedler_tui.core.budget.errors import SendBlockedError
from fiedler_tui.core.budget.model_budget import (
    BudgetStatus,
    FileTokens,
    ModelBudget,
    budget_status,
)
from fiedler_tui.core.budget.result import DryRunResult, EncodingReport, FileReport

__all__ = [
    "Blocker",
    "BlockerKind",
    "BudgetStatus",
    "DryRunEngine",
    "DryRunOptions",
    "DryRunResult",
    "EncodingReport",
    "FileReport",
    "FileTokens",
    "ModelBudget",
    "SendBlockedError",
    "budget_status",
]
