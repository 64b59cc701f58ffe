"""``fiedler runs``: saved runs (interrupted ones flagged); ``fiedler runs show ID``: one run."""

from __future__ import annotations

import argparse
import json
from typing import Any

from fiedler_tui.commands.context import CommandContext
from fiedler_tui.commands.table import render_table
from fiedler_tui.core.files.names import display_name
from fiedler_tui.core.store.run_store import RunInfo, RunStore


def _store(ctx: CommandContext) -> RunStore:
    settings = ctx.settings
    store = RunStore(settings.output_dir, no_disk=settings.no_disk)
    if settings.retention_days:
        store.prune(settings.retention_days)
    return store


def _models(info: RunInfo) -> list[dict[str, Any]]:
    models = info.summary.get("models", [])
    return [m for m in models if isinstance(m, dict)] if isinstance(models, list) else []


def _row(info: RunInfo) -> dict[str, Any]:
    return {
        "id": info.run_id,
        "started_at": info.summary.get("started_at"),
        "status": info.status,
        "models": [str(m.get("alias")) for m in _models(info)],
        "cost_usd": info.summary.get("cost_usd"),
        "path": str(info.path),
        "problem": info.problem or None,
    }


def run_list(args: argparse.Namespace, ctx: CommandContext) -> int:
    store = _store(ctx)
    if store.no_disk:
        ctx.err("FIEDLER_NO_DISK=1: runs are not saved, so there is no history")
    rows = [_row(info) for info in store.list_runs()]
    if args.json:
        ctx.out(json.dumps({"runs": rows}, indent=2))
        return 0
    if not rows:
        ctx.out(f"no runs under {store.root}")
        return 0
    table = [
        [
            r["id"],
            str(r["started_at"] or "")[:19].replace("T", " "),
            r["status"].upper() if r["status"] == "interrupted" else r["status"],
            ", ".join(display_name(m) for m in r["models"]),
            "" if r["cost_usd"] is None else f"${r['cost_usd']:.4f}",
        ]
        for r in rows
    ]
    ctx.out(render_table(["id", "started (UTC)", "status", "models", "cost"], table))
    return 0


def run_show(args: argparse.Namespace, ctx: CommandContext) -> int:
    info = _store(ctx).find(args.run_id)
    outputs = {
        str(m.get("alias")): str(info.path / str(m["output_file"]))
        for m in _models(info)
        if m.get("output_file")
    }
    if args.json:
        ctx.out(json.dumps({**_row(info), "summary": info.summary, "outputs": outputs}, indent=2))
        return 0
    row = _row(info)
    ctx.out(f"run {info.run_id}: {info.status}  ({info.path})")
    if info.problem:
        ctx.out(f"  {info.problem}")
    package = info.summary.get("package", {})
    if isinstance(package, dict):
        ctx.out(
            f"package: {package.get('files')} files, {package.get('bytes')} bytes, "
            f"{package.get('lines')} lines, sha256 {str(package.get('sha256'))[:16]}…"
        )
    for model in _models(info):
        alias = str(model.get("alias"))
        error = model.get("error")
        detail = f" [{error.get('code')}] {error.get('message')}" if isinstance(error, dict) else ""
        usage = f"in {model.get('usage_input')} / out {model.get('usage_output')}"
        ctx.out(f"  {display_name(alias)}: {model.get('status')}{detail}; {usage}")
        if alias in outputs:
            ctx.out(f"    {outputs[alias]}")
    for partial in info.partial_files:
        ctx.out(f"  partial output: {partial}")
    if row["cost_usd"] is not None:
        ctx.out(f"cost: ${row['cost_usd']:.4f}")
    return 0
