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
from fiedler_tui.core.followup.thread import SavedTurn, saved_turns
from fiedler_tui.core.plural import counted
from fiedler_tui.core.store.output_file import PARTIAL_SUFFIX
from fiedler_tui.core.store.run_store import THINKING_STEM, RunInfo, RunStore
from fiedler_tui.core.store.run_summary import (
    DeliberationSummary,
    ErrorSummary,
    TurnSummary,
    VerdictSummary,
    model_error,
    model_record,
    saved_output,
)
from fiedler_tui.core.store.summary import ModelRecord

NOT_KNOWN = "–"


def _store(ctx: CommandContext) -> RunStore:
    settings = ctx.settings
    store = RunStore(settings.output_dir, no_disk=settings.no_disk)
    if settings.retention_days:
        store.prune(settings.retention_days)
    return store


def _row(info: RunInfo) -> dict[str, Any]:
    run = info.run
    return {
        "id": info.run_id,
        "kind": run.kind,
        "started_at": run.started_at,
        "status": info.status,
        "models": run.aliases,
        "cost_usd": run.cost_usd,
        "total_cost_usd": run.total_cost_usd,  # follow-up turns included
        "outputs_saved": run.outputs_saved,
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


def _line(
    alias: str,
    status: str,
    error: ErrorSummary | None,
    usage: tuple[int | None, int | None],
    timing: tuple[float | None, float | None],
    cost_usd: float | None,
) -> list[str]:
    """``gpt-5: done; 1,234 in / 567 out tokens; 12.3s, 46 tok/s; $0.0123`` as parts."""
    detail = f" [{error.code}] {error.message}" if error is not None else ""
    parts = [
        f"{display_name(alias)}: {status}{detail}",
        f"{_count(usage[0])} in / {_count(usage[1])} out tokens",
        f"{_figure(timing[0], '.1f', 's')}, {_figure(timing[1], ',.0f', '')} tok/s",
    ]
    if cost_usd is not None:
        parts.append(_money(cost_usd))
    return parts


def _model_line(model: ModelRecord) -> str:
    """A model's line, and what could not be saved of its output."""
    parts = _line(
        model.alias,
        model.status,
        model_error(model),
        (model.usage_input, model.usage_output),
        (model.total_s, model.tokens_per_s),
        model.cost_usd,
    )
    if model.usage_reasoning is not None:
        parts[1] += f" (reasoning {_count(model.usage_reasoning)})"
    if model.saved is False:
        parts.append(
            f"output NOT SAVED: {_count(model.bytes_saved)} of "
            f"{_count(model.bytes_total)} bytes on disk ({model.output_error})"
        )
    return "; ".join(parts)


def _turn_line(turn: TurnSummary) -> str:
    parts = _line(
        turn.member,
        turn.status,
        turn.error,
        (turn.usage_input, turn.usage_output),
        (None, None),
        turn.cost_usd,
    )
    line = "; ".join(parts)
    verdict: VerdictSummary | None = turn.verdict
    if verdict is not None:
        line += f"; verdict {verdict.stance} {_count(verdict.confidence)}"
    return line


def show_deliberation(info: RunInfo, ctx: CommandContext) -> None:
    """A deliberation's rounds: each turn with status, usage, verdict and file; then result."""
    run = info.run
    deliberation = run.deliberation or DeliberationSummary()
    ctx.out(f"crosstalk: {deliberation.paradigm}, chair {deliberation.chair or 'none'}")
    for step in deliberation.rounds:
        ctx.out(f"round {step.round} ({step.phase}):")
        for turn in step.turns:
            ctx.out(f"  {_turn_line(turn)}")
            path = saved_output(info.path, turn.output_file)
            if path is not None:
                ctx.out(f"    {path}")
    for drop in deliberation.dropped:
        ctx.out(f"dropped out: {display_name(drop.member)}: {drop.reason}")
    result = deliberation.result
    if result is not None:
        reason = f" ({result.reason})" if result.reason else ""
        ctx.out(f"result: {result.kind}, {result.status}{reason}")
    transcript = info.path / "transcript.md"
    if transcript.is_file():
        ctx.out(f"transcript: {transcript}")
    if run.cost_usd is not None:
        ctx.out(f"cost: {_money(run.cost_usd)}")


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
            "" if r["total_cost_usd"] is None else _money(r["total_cost_usd"]),
        ]
        for r in rows
    ]
    ctx.out(render_table(["id", "started (UTC)", "status", "models", "cost"], table))
    return 0


def _turn_json(turn: SavedTurn) -> dict[str, Any]:
    """A follow-up turn as ``runs show --json`` prints it: its folder, summary and outputs."""
    outputs = {}
    for record in turn.records:
        model = model_record(record)
        path = saved_output(turn.folder, model.output_file)
        if path is not None:
            outputs[model.alias] = str(path)
    return {
        "turn": turn.number,
        "folder": str(turn.folder),
        "summary": turn.summary,
        "outputs": outputs,
    }


def run_show(args: argparse.Namespace, ctx: CommandContext) -> int:
    info = _store(ctx).find(args.run_id)
    run = info.run
    paths = {m.alias: saved_output(info.path, m.output_file) for m in run.models}
    outputs = {alias: str(path) for alias, path in paths.items() if path is not None}
    turns = saved_turns(info)[1:]  # follow-ups: turns/<n>/ of the run's folder
    if args.json:
        shown = {**_row(info), "summary": info.summary, "outputs": outputs}
        shown["turns"] = [_turn_json(turn) for turn in turns]
        ctx.out(json.dumps(shown, indent=2))
        return 0
    row = _row(info)
    ctx.out(f"run {info.run_id}: {_status_cell(row)}  ({info.path})")
    if info.problem:
        ctx.out(f"  {info.problem}")
    if not info.problem:
        package = run.package
        ctx.out(
            f"package: {counted(package.files, 'file')}, {counted(package.bytes, 'byte')}, "
            f"{counted(package.lines, 'line')}, "
            f"sha256 {str(package.sha256)[:16]}…"
        )
    if row["kind"] == "crosstalk":
        show_deliberation(info, ctx)
        return 0
    listed_thinking: set[Path] = set()
    for model in run.models:
        ctx.out(f"  {_model_line(model)}")
        path = paths.get(model.alias)
        if path is not None:
            partial = " (partial)" if path.name.endswith(PARTIAL_SUFFIX) else ""
            ctx.out(f"    {path}{partial}")
        elif model.output_file:
            ctx.out("    no output file on disk")
        thinking = saved_output(info.path, model.thinking_file)
        if thinking is not None:
            ctx.out(f"    {thinking} (thinking)")
        elif path is not None and path.name.endswith(PARTIAL_SUFFIX):
            # cut short while it streamed: its thinking, if any, is a .partial beside it
            stem = path.name.removesuffix(PARTIAL_SUFFIX).removesuffix(".md")
            cut = path.with_name(f"{stem}{THINKING_STEM}.md{PARTIAL_SUFFIX}")
            if cut in info.partial_files:
                ctx.out(f"    {cut} (thinking, partial)")
                listed_thinking.add(cut)
    for turn in turns:
        cost = turn.summary.get("cost_usd")
        spent = f", {_money(cost)}" if isinstance(cost, int | float) else ""
        ctx.out(f"turn {turn.number} (follow-up): {turn.status}{spent}  ({turn.folder})")
        for record in turn.records:
            model = model_record(record)
            ctx.out(f"  {_model_line(model)}")
            path = saved_output(turn.folder, model.output_file)
            if path is not None:
                ctx.out(
                    f"    {path}" + (" (partial)" if path.name.endswith(PARTIAL_SUFFIX) else "")
                )
    listed = {path for path in paths.values() if path is not None} | listed_thinking
    for partial_file in info.partial_files:
        if partial_file not in listed:
            ctx.out(f"  partial output: {partial_file}")
    if row["total_cost_usd"] is not None:
        every = " (every turn's)" if turns else ""
        ctx.out(f"cost: {_money(row['total_cost_usd'])}{every}")
    return 0


def run_export(args: argparse.Namespace, ctx: CommandContext) -> int:
    """Write the report and print its path."""
    info = _store(ctx).find(args.run_id)
    output = Path(args.output).expanduser() if args.output else None
    path = export_run(info, args.format, output)
    ctx.out(str(path))
    return 0
