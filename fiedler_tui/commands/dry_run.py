"""``fiedler dry-run``: what would be sent, to whom, at what size and cost, without sending.

Exit 0 when every model fits and nothing blocks the send; 3 when a model is over budget, a limit
or the spend cap is crossed, or likely secrets were found without ``--allow-secrets`` /
``--mask-secrets`` / ``--exclude-secrets``; 2 on bad input (unknown model, a path missing or
outside the allowed roots) or configuration.
"""

from __future__ import annotations

import argparse
import json

from fiedler_tui.commands.context import CommandContext
from fiedler_tui.commands.table import render_table
from fiedler_tui.core.budget import DryRunEngine, DryRunOptions, DryRunResult
from fiedler_tui.core.config.schema import ModelSpec
from fiedler_tui.core.errors import UsageError
from fiedler_tui.core.files.ignore import Filters
from fiedler_tui.core.files.names import display_name
from fiedler_tui.core.files.reading import ReadRefusal, decode_text, read_bytes_bounded
from fiedler_tui.core.request import DEFAULT_SYSTEM_PROMPT
from fiedler_tui.core.secrets.policy import SecretPolicy

PROMPT_FILE_MAX_BYTES = 10_000_000


def _prompt(args: argparse.Namespace) -> str:
    if args.prompt_file is None:
        return str(args.prompt or "")
    got = read_bytes_bounded(args.prompt_file, PROMPT_FILE_MAX_BYTES)
    if isinstance(got, ReadRefusal):
        raise UsageError(f"--prompt-file {display_name(args.prompt_file)}: {got.reason}")
    text = decode_text(got[0])
    if isinstance(text, ReadRefusal):
        raise UsageError(f"--prompt-file {display_name(args.prompt_file)}: {text.reason}")
    return text


def _policy(args: argparse.Namespace) -> SecretPolicy:
    if args.allow_secrets:
        return SecretPolicy.ALLOW
    if args.mask_secrets:
        return SecretPolicy.MASK
    if args.exclude_secrets:
        return SecretPolicy.EXCLUDE
    return SecretPolicy.REFUSE


def _models(args: argparse.Namespace, ctx: CommandContext) -> list[ModelSpec]:
    config = ctx.config
    if not args.model:
        models = config.default_models()
        if not models:
            raise UsageError("no model marked default in models.yaml; name one with -m ALIAS")
        return models
    chosen: list[ModelSpec] = []
    for alias in args.model:
        try:
            model = config.resolve(alias)
        except KeyError as exc:
            raise UsageError(str(exc.args[0])) from None
        if model not in chosen:
            chosen.append(model)
    return chosen


def build_dry_run(args: argparse.Namespace, ctx: CommandContext) -> DryRunResult:
    """The dry run the arguments ask for; a refused path (outside the roots, missing) raises."""
    models = _models(args, ctx)
    options = DryRunOptions(
        prompt=_prompt(args),
        system=DEFAULT_SYSTEM_PROMPT if args.system is None else args.system,
        max_completion_tokens=args.max_completion_tokens,
        secret_policy=_policy(args),
        filters=Filters(tuple(args.include), tuple(args.exclude)),
    )
    with DryRunEngine(ctx.settings) as engine:
        result = engine.run(args.paths, models, options)
    result.selection.raise_for_refused()
    return result


def run(args: argparse.Namespace, ctx: CommandContext) -> int:
    result = build_dry_run(args, ctx)
    if args.json:
        ctx.out(json.dumps(result.to_json(), indent=2))
    else:
        _print_human(result, ctx)
    return 3 if result.blockers else 0


def _print_human(result: DryRunResult, ctx: CommandContext) -> None:
    encodings = [e.status.name for e in result.encodings]
    rows = [
        [
            display_name(f.path),
            f"{f.bytes:,}",
            f"{f.lines:,}",
            *(f"{f.tokens.get(name, 0):,}" for name in encodings),
            str(len(f.secrets)) if f.secrets else "",
        ]
        for f in result.files
    ]
    numeric = set(range(1, 3 + len(encodings)))
    ctx.out(render_table(["file", "bytes", "lines", *encodings, "secrets"], rows, numeric))
    if result.skipped:
        ctx.out()
        ctx.out(f"skipped ({len(result.skipped)}):")
        for s in result.skipped:
            ctx.out(f"  {display_name(s.path)}: {s.reason}")
    preview = result.preview
    ctx.out()
    ctx.out(
        f"package: {len(preview.files)} files, {preview.bytes:,} bytes, {preview.lines:,} lines, "
        f"sha256 {preview.sha256[:16]}…"
    )
    ctx.out()
    model_rows = [
        [
            m.alias,
            m.provider,
            str(m.count_method),
            f"{m.input_tokens:,}"
            + (f" ({m.input_range[0]:,}–{m.input_range[1]:,})" if m.input_range else ""),
            f"{m.completion_reserve:,}",
            f"{m.context_window:,}",
            f"{100 * m.total_tokens / m.context_window:.1f}%",
            str(m.status),
            f"${m.cost_usd_max:.4f}",
        ]
        for m in result.models
    ]
    headers = [
        "model",
        "provider",
        "count",
        "input",
        "reserve",
        "window",
        "used",
        "status",
        "cost≤",
    ]
    ctx.out(render_table(headers, model_rows, {3, 4, 5, 6, 8}))
    cap = result.cost_cap_usd
    cap_text = f" (cap ${cap:g})" if cap is not None else ""
    ctx.out(f"worst-case total cost: ${result.total_cost_usd_max:.4f}{cap_text}")
    if result.findings:
        ctx.out()
        ctx.out(f"likely secrets ({len(result.findings)}, policy: {result.secret_policy}):")
        for f in result.findings:
            ctx.out(f"  {display_name(f.path)}:{f.line}:{f.column}: {f.kind}")
    for notice in result.notices:
        ctx.err(f"fiedler: note: {notice}")
    for blocker in result.blockers:
        ctx.err(f"fiedler: cannot send: {blocker}")
