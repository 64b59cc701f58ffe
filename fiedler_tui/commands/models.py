"""``fiedler models``: the configured models with windows, limits, prices and key status."""

from __future__ import annotations

import argparse
import json
from typing import Any

from fiedler_tui.commands.context import CommandContext
from fiedler_tui.commands.table import render_table


def run(args: argparse.Namespace, ctx: CommandContext) -> int:
    config = ctx.config
    keys = ctx.resolve_keys()
    rows: list[dict[str, Any]] = []
    for model in config.models.values():
        provider = config.provider_of(model)
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
                "tokenizer": model.tokenizer,
                "default": model.default,
                "key": str(keys[provider.name].source),
            }
        )
    if args.json:
        ctx.out(json.dumps({"config": config.source, "models": rows}, indent=2))
        return 0
    ctx.out(f"config: {config.source}")
    table = [
        [
            ("* " if r["default"] else "  ") + r["alias"],
            r["provider"],
            r["model"],
            f"{r['context_window']:,}",
            f"{r['max_completion_tokens']:,}",
            f"${r['price_in']:g} / ${r['price_out']:g}",
            r["key"],
        ]
        for r in rows
    ]
    headers = ["alias", "provider", "model id", "window", "max out", "$/1M in/out", "key"]
    ctx.out(render_table(headers, table, right_align={3, 4}))
    ctx.out("* = selected by default")
    return 0
