"""The dry run of a review set: every unit judged as a send of its files would be, priced at
batch prices beside the live ones, with every reason not to submit.

Each unit is one package; :class:`~fiedler_tui.core.budget.DryRunEngine` checks it (roots,
limits, secrets, each model's window, keys) and reads each file once for the whole set. The
spend cap (``FIEDLER_MAX_COST_USD``) is judged on the set's total worst case at the prices the
job is billed (batch prices for the batch engines' models).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from fiedler_tui.core.batch.engines import BATCH_KINDS, DEFAULT_BATCH_DISCOUNT
from fiedler_tui.core.batch.units import Unit, UnitSplit, split_units
from fiedler_tui.core.budget import BlockerKind, DryRunEngine, DryRunOptions, DryRunResult
from fiedler_tui.core.config.schema import Config, ModelSpec
from fiedler_tui.core.files.names import display_name
from fiedler_tui.core.request import ReviewRequest
from fiedler_tui.core.settings import Settings

_PER_UNIT = frozenset(
    {
        BlockerKind.UNPACKABLE,
        BlockerKind.LIMIT,
        BlockerKind.OVER_BUDGET,
        BlockerKind.RATE_LIMIT,
        BlockerKind.SECRETS,
        BlockerKind.EGRESS,
    }
)
"""Blockers about one unit's package (named with the unit); the others are the set's."""


def custom_id(unit: int, model_index: int) -> str:
    """``u00042-m1``: unit 42 to the second model (``^[A-Za-z0-9_-]{1,64}$``, as Anthropic
    requires)."""
    return f"u{unit:05d}-m{model_index}"


def discount_of(config: Config, model: ModelSpec) -> float:
    kind = str(config.provider_of(model).kind)
    if model.batch_discount is not None:
        return model.batch_discount if kind in BATCH_KINDS else 1.0
    return DEFAULT_BATCH_DISCOUNT if kind in BATCH_KINDS else 1.0


@dataclass(frozen=True)
class PlannedRequest:
    custom_id: str
    unit: int
    model: str
    estimate_input: int
    cost_usd_max: float
    """The worst case at the price the job pays (batch or live)."""
    cost_usd_max_live: float


@dataclass(frozen=True)
class ModelPlan:
    alias: str
    provider: str
    kind: str
    mode: str
    """``batch`` or ``live``."""
    discount: float
    cost_usd_max: float = 0.0
    cost_usd_max_live: float = 0.0
    largest_input: int = 0
    window: int = 0
    reserve: int = 0
    units_over: int = 0


@dataclass
class BatchPlan:
    per: UnitSplit
    units: list[tuple[Unit, DryRunResult]]
    models: list[ModelSpec]
    model_plans: list[ModelPlan]
    requests: list[PlannedRequest]
    skipped_units: list[tuple[str, str]] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)
    cost_usd_max: float = 0.0
    cost_usd_max_live: float = 0.0
    cost_cap_usd: float | None = None

    def review_request(self, unit: int, alias: str) -> ReviewRequest:
        """The request unit ``unit`` sends ``alias`` (its package, the prompt, the system)."""
        result = self.result_of(unit)
        got = result.requests([alias])
        return got if isinstance(got, ReviewRequest) else got[alias]

    def result_of(self, unit: int) -> DryRunResult:
        return next(r for u, r in self.units if u.index == unit)

    def to_json(self) -> dict[str, Any]:
        return {
            "per": str(self.per),
            "units": [
                {
                    "index": unit.index,
                    "name": unit.name,
                    "files": len(result.preview.files),
                    "bytes": result.preview.bytes,
                    "models": {
                        b.alias: {
                            "input_tokens": b.input_tokens,
                            "reserve": b.completion_reserve,
                            "window": b.context_window,
                            "status": str(b.status),
                        }
                        for b in result.models
                    },
                }
                for unit, result in self.units
            ],
            "skipped_units": [{"name": n, "reason": r} for n, r in self.skipped_units],
            "models": [m.__dict__ for m in self.model_plans],
            "requests": len(self.requests),
            "cost": {
                "total_usd_max": round(self.cost_usd_max, 6),
                "total_usd_max_live": round(self.cost_usd_max_live, 6),
                "cap_usd": self.cost_cap_usd,
            },
            "sendable": not self.blockers,
            "blockers": list(self.blockers),
        }


def plan_batch(
    paths: Iterable[str | os.PathLike[str]],
    models: Sequence[ModelSpec],
    config: Config,
    settings: Settings,
    engine: DryRunEngine,
    options: DryRunOptions,
    per: UnitSplit,
) -> BatchPlan:
    """Split ``paths`` into units and judge each for ``models`` (see the module's docstring)."""
    units = split_units(paths, settings, per, options.filters, options.cwd)
    plan = BatchPlan(per=per, units=[], models=list(models), model_plans=[], requests=[])
    plan.cost_cap_usd = settings.max_cost_usd
    discounts = {m.name: discount_of(config, m) for m in models}
    seen: set[str] = set()
    totals: dict[str, list[float]] = {m.name: [0.0, 0.0, 0, 0] for m in models}
    for unit in units:
        result = engine.run(unit.paths, models, replace(options, from_folders=unit.from_folders))
        if not result.preview.files:
            reason = (
                "; ".join(f"{display_name(s.path)}: {s.reason}" for s in result.skipped)
                or "no file could be packaged"
            )
            plan.skipped_units.append((unit.name, reason))
            continue
        for blocker in result.blockers:
            if blocker.kind is BlockerKind.COST_CAP:
                continue  # judged on the whole set below
            message = (
                f"{unit.name}: {blocker.message}" if blocker.kind in _PER_UNIT else blocker.message
            )
            if message not in seen:
                seen.add(message)
                plan.blockers.append(message)
        plan.units.append((unit, result))
        for index, budget in enumerate(result.models):
            live = budget.cost_usd_max
            paid = live * discounts[budget.alias]
            plan.requests.append(
                PlannedRequest(
                    custom_id(unit.index, index),
                    unit.index,
                    budget.alias,
                    budget.input_tokens,
                    paid,
                    live,
                )
            )
            total = totals[budget.alias]
            total[0] += paid
            total[1] += live
            total[2] = max(total[2], budget.input_tokens)
            total[3] += 0 if budget.fits else 1
    if not plan.units:
        plan.blockers.append("no unit has a file that can be packaged")
    for model in models:
        kind = str(config.provider_of(model).kind)
        paid, live, largest, over = totals[model.name]
        plan.model_plans.append(
            ModelPlan(
                alias=model.name,
                provider=model.provider,
                kind=kind,
                mode="batch" if kind in BATCH_KINDS else "live",
                discount=discounts[model.name],
                cost_usd_max=paid,
                cost_usd_max_live=live,
                largest_input=int(largest),
                window=model.context_window,
                reserve=options.max_completion_tokens or model.max_completion_tokens,
                units_over=int(over),
            )
        )
    plan.cost_usd_max = sum(m.cost_usd_max for m in plan.model_plans)
    plan.cost_usd_max_live = sum(m.cost_usd_max_live for m in plan.model_plans)
    cap = settings.max_cost_usd
    if cap is not None and plan.cost_usd_max > cap:
        plan.blockers.append(
            f"worst-case cost of the set ${plan.cost_usd_max:.4f} is above the cap "
            f"${cap:g} (FIEDLER_MAX_COST_USD)"
        )
    return plan
