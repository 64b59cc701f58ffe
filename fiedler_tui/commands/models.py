"""``fiedler models``: the configured models with windows, limits, prices and key status."""

from __future__ import annotations

import argparse
import json
from typing import Any

from fiedler_tui.commands.context import CommandContext
from fiedler_tui.commands.table import render_table
from fiedler_tui.core.config.schema import ModelSpec
from fiedler_tui.core.egress.guard import policy_of
from fiedler_tui.core.tokens.api_count import counts_by_api
from fiedler_tui.core.tokens.calibration import Calibration, CalibrationIndex


def count_text(method: str, model: ModelSpec, learned: Calibration | None) -> str:
    """How the dry run counts ``model``: ``api``, ``exact``, or the estimate and its basis."""
    if method != "estimate":
        return method
    if learned is not None:
        return f"estimate × {learned.factor:.3g}, {learned.label}"
    text = f"estimate × {model.estimate_factor:g}"
    if model.estimate_band is not None:
        low, high = model.estimate_band
        return f"{text} (band {low:g}–{high:g})"
    return f"{text} (no band: may be far off)"


def price_text(row: dict[str, Any]) -> str:
    """``$1.25 / $10``, then each long-context tier: ``; >200K $2.5 / $15``."""
    text = f"${row['price_in']:g} / ${row['price_out']:g}"
    for tier in row["price_tiers"]:
        above = tier["above_input_tokens"]
        size = f"{above // 1000:,}K" if above % 1000 == 0 else f"{above:,}"
        text += f"; >{size} ${tier['price_in']:g} / ${tier['price_out']:g}"
    return text


def reasoning_text(model: ModelSpec) -> str:
    """What a send can set: ``effort medium (minimal-high)``, ``thinking 8,192 (128-32,768)``,
    ``thinking off (1,024-63,999)`` or ``–``."""
    if model.reasoning_efforts:
        efforts = model.reasoning_efforts
        accepted = efforts[0] if len(efforts) == 1 else f"{efforts[0]}-{efforts[-1]}"
        return f"effort {model.reasoning_effort or 'default'} ({accepted})"
    if model.thinking_budget_range is not None:
        low, high = model.thinking_budget_range
        budget = model.thinking_budget
        sent = "dynamic" if budget is None and not model.thinking_optional else "off"
        if budget:
            sent = f"{budget:,}"
        summaries = ", summaries" if model.include_thoughts else ""
        return f"thinking {sent} ({low:,}-{high:,}{summaries})"
    return "–"


def run(args: argparse.Namespace, ctx: CommandContext) -> int:
    if args.remote:
        from fiedler_tui.commands.models_remote import run_remote

        return run_remote(args, ctx)
    config = ctx.config
    keys = ctx.resolve_keys()
    index = CalibrationIndex.default(no_disk=True).refresh()
    rows: list[dict[str, Any]] = []
    for model in config.models.values():
        provider = config.provider_of(model)
        method = (
            "api" if counts_by_api(config, model) else "exact" if model.tokenizer else "estimate"
        )
        learned = index.calibration(model.name) if method == "estimate" else None
        rows.append(
            {
                "alias": model.name,
                "aliases": list(model.aliases),
                "provider": provider.name,
                "kind": str(provider.kind),
                "model": model.wire_id,
                "context_window": model.context_window,
                "max_completion_tokens": model.max_completion_tokens,
                "price_in": model.price_in,
                "price_out": model.price_out,
                "price_tiers": [tier.model_dump() for tier in model.price_tiers],
                "tokenizer": model.tokenizer,
                "reasoning_efforts": list(model.reasoning_efforts),
                "reasoning_effort": model.reasoning_effort,
                "thinking_budget_range": (
                    list(model.thinking_budget_range) if model.thinking_budget_range else None
                ),
                "thinking_budget": model.thinking_budget,
                "include_thoughts": model.include_thoughts,
                "reasoning_text": reasoning_text(model),
                "count": method,
                "count_text": count_text(method, model, learned),
                "calibration": None
                if learned is None
                else {"factor": learned.factor, "runs": learned.runs, "spread": learned.spread},
                "default": model.default,
                "key": str(keys[provider.name].source),
            }
        )
    egress = policy_of(config, ctx.settings).describe()
    if args.json:
        document = {"config": config.source, "models": rows, "egress": egress}
        ctx.out(json.dumps(document, indent=2))
        return 0
    ctx.out(f"config: {config.source}")
    table = [
        [
            ("* " if r["default"] else "  ") + r["alias"],
            r["provider"],
            r["model"],
            f"{r['context_window']:,}",
            f"{r['max_completion_tokens']:,}",
            price_text(r),
            r["key"],
            r["count_text"],
            r["reasoning_text"],
        ]
        for r in rows
    ]
    headers = [
        "alias",
        "provider",
        "model id",
        "window",
        "max out",
        "$/1M in/out",
        "key",
        "count",
        "reasoning",
    ]
    ctx.out(render_table(headers, table, right_align={3, 4}))
    ctx.out("* = selected by default")
    ctx.out("egress rules (the most specific decides; see the README's Egress rules):")
    for line in egress:
        ctx.out(f"  {line}")
    return 0
