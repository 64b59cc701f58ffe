"""``fiedler runs``: saved runs (interrupted ones flagged); ``fiedler runs show ID``: one run;
``fiedler runs export ID``: its Markdown or HTML report.

Numbers are written as ``fiedler send`` writes them: thousands separators, seconds to one
decimal, tokens per second whole, costs to four decimals, ``–`` for a figure not known.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from fiedler_tui.commands.context import CommandContext
from fiedler_tui.commands.table import render_table
from fiedler_tui.core.export.write import export_run
from fiedler_tui.core.files.names import display_name
from fiedler_tui.core.store.output_file import PARTIAL_SUFFIX
from fiedler_tui.core.store.run_store import RunInfo, RunStore

NOT_KNOWN = "–"


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
        "kind": str(info.summary.get("kind", "send")),
        "started_at": info.summary.get("started_at"),
        "status": info.status,
        "models": [str(m.get("alias")) for m in _models(info)],
        "cost_usd": info.summary.get("cost_usd"),
        "outputs_saved": info.summary.get("outputs_saved"),
        "path": str(info.path),
        "problem": info.problem or None,
    }


def _models_cell(row: dict[str, Any]) -> str:
    """The models, marked ``crosstalk:`` for a deliberation."""
    names = ", ".join(display_name(m) for m in row["models"])
    return f"crosstalk: {names}" if row["kind"] == "crosstalk" else names


def _status_cell(row: dict[str, Any]) -> str:
    status = str(row["status"])
    shown = status.upper() if status == "interrupted" else status
    return f"{shown}, NOT ALL SAVED" if row["outputs_saved"] is False else shown


def _count(value: Any, unit: str = "") -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}{unit}"
    return NOT_KNOWN


def _figure(value: Any, spec: str, unit: str) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:{spec}}{unit}"
    return NOT_KNOWN


def _money(value: Any) -> str:
    return "$" + _figure(value, ".4f", "") if isinstance(value, int | float) else NOT_KNOWN


def _output_path(info: RunInfo, model: dict[str, Any]) -> Path | None:
    """The model's output file that exists: the final one, else the ``.partial`` left behind."""
    name = model.get("output_file")
    if not isinstance(name, str) or not name or "/" in name or "\\" in name or name[0] == ".":
        return None
    for candidate in (name, name + PARTIAL_SUFFIX):
        path = info.path / candidate
        if path.is_file() and not path.is_symlink():
            return path
    return None


def _model_line(model: dict[str, Any]) -> str:
    """``gpt-5: done; 1,234 in / 567 out tokens; 12.3s, 46 tok/s; $0.0123`` and what failed."""
    error = model.get("error")
    detail = f" [{error.get('code')}] {error.get('message')}" if isinstance(error, dict) else ""
    usage = (
        f"{_count(model.get('usage_input'))} in / {_count(model.get('usage_output'))} out tokens"
    )
    timing = (
        f"{_figure(model.get('total_s'), '.1f', 's')}, "
        f"{_figure(model.get('tokens_per_s'), ',.0f', '')} tok/s"
    )
    parts = [
        f"{display_name(str(model.get('alias')))}: {model.get('status')}{detail}",
        usage,
        timing,
    ]
    if model.get("cost_usd") is not None:
        parts.append(_money(model.get("cost_usd")))
    if model.get("saved") is False:
        parts.append(
            f"output NOT SAVED: {_count(model.get('bytes_saved'))} of "
            f"{_count(model.get('bytes_total'))} bytes on disk ({model.get('output_error')})"
        )
    return "; ".join(parts)


def show_deliberation(info: RunInfo, ctx: CommandContext) -> None:
    """A deliberation's rounds: each turn with status, usage, verdict and file; then result."""
    summary = info.summary
    ctx.out(f"crosstalk: {summary.get('paradigm')}, chair {summary.get('chair') or 'none'}")
    rounds = summary.get("rounds")
    for step in rounds if isinstance(rounds, list) else []:
        if not isinstance(step, dict):
            continue
        ctx.out(f"round {step.get('round')} ({step.get('phase')}):")
        turns = step.get("turns")
        for turn in turns if isinstance(turns, list) else []:
            if not isinstance(turn, dict):
                continue
            model = {**turn, "alias": turn.get("member")}
            verdict = turn.get("verdict")
            line = _model_line(model)
            if isinstance(verdict, dict):
                line += f"; verdict {verdict.get('stance')} {_count(verdict.get('confidence'))}"
            ctx.out(f"  {line}")
            path = _output_path(info, turn)
            if path is not None:
                ctx.out(f"    {path}")
    dropped = summary.get("dropped")
    for drop in dropped if isinstance(dropped, list) else []:
        if isinstance(drop, dict):
            ctx.out(f"dropped out: {display_name(str(drop.get('member')))}: {drop.get('reason')}")
    result = summary.get("result")
    if isinstance(result, dict):
        reason = f" ({result.get('reason')})" if result.get("reason") else ""
        ctx.out(f"result: {result.get('kind')}, {result.get('status')}{reason}")
    transcript = info.path / "transcript.md"
    if transcript.is_file():
        ctx.out(f"transcript: {transcript}")
    if summary.get("cost_usd") is not None:
        ctx.out(f"cost: {_money(summary.get('cost_usd'))}")


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
            _status_cell(r),
            _models_cell(r),
            "" if r["cost_usd"] is None else _money(r["cost_usd"]),
        ]
        for r in rows
    ]
    ctx.out(render_table(["id", "started (UTC)", "status", "models", "cost"], table))
    return 0


def run_show(args: argparse.Namespace, ctx: CommandContext) -> int:
    info = _store(ctx).find(args.run_id)
    paths = {str(m.get("alias")): _output_path(info, m) for m in _models(info)}
    outputs = {alias: str(path) for alias, path in paths.items() if path is not None}
    if args.json:
        ctx.out(json.dumps({**_row(info), "summary": info.summary, "outputs": outputs}, indent=2))
        return 0
    row = _row(info)
    ctx.out(f"run {info.run_id}: {_status_cell(row)}  ({info.path})")
    if info.problem:
        ctx.out(f"  {info.problem}")
    package = info.summary.get("package", {})
    if isinstance(package, dict):
        ctx.out(
            f"package: {_count(package.get('files'))} files, {_count(package.get('bytes'))} "
            f"bytes, {_count(package.get('lines'))} lines, "
            f"sha256 {str(package.get('sha256'))[:16]}…"
        )
    if row["kind"] == "crosstalk":
        show_deliberation(info, ctx)
        return 0
    for model in _models(info):
        ctx.out(f"  {_model_line(model)}")
        path = paths.get(str(model.get("alias")))
        if path is not None:
            partial = " (partial)" if path.name.endswith(PARTIAL_SUFFIX) else ""
            ctx.out(f"    {path}{partial}")
        elif model.get("output_file"):
            ctx.out("    no output file on disk")
    listed = {path for path in paths.values() if path is not None}
    for partial_file in info.partial_files:
        if partial_file not in listed:
            ctx.out(f"  partial output: {partial_file}")
    if row["cost_usd"] is not None:
        ctx.out(f"cost: {_money(row['cost_usd'])}")
    return 0


def run_export(args: argparse.Namespace, ctx: CommandContext) -> int:
    """Write the report and print its path."""
    info = _store(ctx).find(args.run_id)
    output = Path(args.output).expanduser() if args.output else None
    path = export_run(info, args.format, output)
    ctx.out(str(path))
    return 0
