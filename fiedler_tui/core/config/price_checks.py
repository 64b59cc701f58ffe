"""Rules for a model's long-context ``price_tiers`` that span entries or fields.

They read the raw mapping defensively (field types are the schema's job), so the loader reports
them with ``file:line`` alongside field errors.
"""

from __future__ import annotations

from typing import Any

from fiedler_tui.core.config.yaml_lines import Path_


def _positive_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def price_tier_problems(base: Path_, model: dict[str, Any]) -> list[tuple[Path_, str]]:
    """Tiers out of order or repeated, and tiers the model's window never lets a prompt reach."""
    tiers = model.get("price_tiers")
    if not isinstance(tiers, list):
        return []
    problems: list[tuple[Path_, str]] = []
    window = _positive_int(model.get("context_window"))
    previous: int | None = None
    for index, tier in enumerate(tiers):
        if not isinstance(tier, dict):
            continue
        threshold = _positive_int(tier.get("above_input_tokens"))
        if threshold is None:
            continue
        path: Path_ = (*base, "price_tiers", index, "above_input_tokens")
        if previous is not None and threshold <= previous:
            problems.append(
                (
                    path,
                    f"must be larger than the previous tier's ({threshold:,} <= {previous:,}); "
                    "list the tiers from the lowest threshold up",
                )
            )
        if window is not None and threshold >= window:
            problems.append(
                (
                    path,
                    f"no prompt can exceed it: context_window is {window:,}; raise the window "
                    "(e.g. for a long-context beta) or remove the tier",
                )
            )
        previous = threshold if previous is None else max(previous, threshold)
    return problems
