"""``fiedler dry-run``: what would be sent, to whom, at what size and cost, without sending.

Exit 0 when nothing blocks the send; 3 when something does, judged as ``send`` judges it (see
``core.budget.blockers``): an empty prompt or package, a named file that cannot be packaged
(binary, not UTF-8, a FIFO, too large, inside ``.git`` or another built-in ignored folder), a
model whose provider has no key, a model over budget or whose one request exceeds its provider's
tokens-per-minute limit (configured or learned), a limit or the spend cap crossed, or likely
secrets without ``--allow-secrets`` / ``--mask-secrets`` / ``--exclude-secrets``; 2 on bad input
(unknown model, a path missing or outside the allowed roots) or configuration.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

from fiedler_tui.commands.context import CommandContext
from fiedler_tui.commands.egress_lines import (
    explain_paths,
    explained_json,
    print_egress,
)
from fiedler_tui.commands.table import render_table
from fiedler_tui.core.budget import (
    Blocker,
    BlockerKind,
    DryRunEngine,
    DryRunOptions,
    DryRunResult,
    SendBlockedError,
)
from fiedler_tui.core.config.reasoning import ReasoningChoice
from fiedler_tui.core.config.schema import ModelSpec
from fiedler_tui.core.egress.guard import policy_of
from fiedler_tui.core.errors import UsageError
from fiedler_tui.core.files.ignore import Filters
from fiedler_tui.core.files.names import display_name
from fiedler_tui.core.files.reading import ReadRefusal, decode_text, read_bytes_bounded
from fiedler_tui.core.plural import counted
from fiedler_tui.core.ratelimits import LearnedLimitsStore, token_limits
from fiedler_tui.core.request import DEFAULT_SYSTEM_PROMPT
from fiedler_tui.core.secrets.policy import SecretPolicy
from fiedler_tui.core.tokens.api_count import ALL_PROVIDERS, ProviderCounter
from fiedler_tui.core.tokens.count_store import CountStore
from fiedler_tui.core.tokens.counter import TokenCounter
from fiedler_tui.core.tokens.methods import encoding_of

if TYPE_CHECKING:
    from fiedler_tui.core.keys import ResolvedKey

PROMPT_FILE_MAX_BYTES = 10_000_000


def _prompt(args: argparse.Namespace, ctx: CommandContext, models: list[ModelSpec]) -> str:
    template = getattr(args, "template", None)
    if template:
        from fiedler_tui.commands.template_prompt import template_prompt

        return template_prompt(template, args, ctx, models)
    if args.prompt_file is None:
        return str(args.prompt or "")
    return prompt_file_text(args.prompt_file, PROMPT_FILE_MAX_BYTES)


def prompt_file_text(path: str, max_bytes: int) -> str:
    """The text of ``--prompt-file PATH`` (at most ``max_bytes``); unreadable, too large or
    not text is bad input naming the file."""
    got = read_bytes_bounded(path, max_bytes)
    if isinstance(got, ReadRefusal):
        raise UsageError(f"--prompt-file {display_name(path)}: {got.reason}")
    text = decode_text(got[0])
    if isinstance(text, ReadRefusal):
        raise UsageError(f"--prompt-file {display_name(path)}: {text.reason}")
    return text


def secret_policy(args: argparse.Namespace) -> SecretPolicy:
    """What ``--allow-secrets``, ``--mask-secrets`` or ``--exclude-secrets`` chose (else
    refuse)."""
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


def count_api_choice(args: argparse.Namespace, ctx: CommandContext) -> frozenset[str]:
    """The providers ``--count-api`` opts in (``all`` kept as is); a bad name is a UsageError."""
    chosen = frozenset(getattr(args, "count_api", None) or ())
    if not chosen:
        return chosen
    # imported here: the providers (and the HTTP client) load only when a count is asked for
    from fiedler_tui.core.providers.count_requests import COUNTABLE_KINDS

    providers = ctx.config.providers
    countable = sorted(n for n, p in providers.items() if p.kind in COUNTABLE_KINDS)
    for name in sorted(chosen - {ALL_PROVIDERS}):
        if name not in providers:
            known = ", ".join([ALL_PROVIDERS, *countable])
            raise UsageError(f"--count-api {name}: unknown provider (known: {known})")
        if providers[name].kind not in COUNTABLE_KINDS:
            raise UsageError(
                f"--count-api {name}: kind {providers[name].kind} has no count endpoint "
                "(its models are counted exactly offline)"
            )
    return chosen


def build_dry_run(
    args: argparse.Namespace,
    ctx: CommandContext,
    keys: Mapping[str, ResolvedKey] | None = None,
    tokens: TokenCounter | None = None,
) -> DryRunResult:
    """The dry run the arguments ask for, judging each model's key (``keys``, resolved here
    when not given), counting with ``tokens`` (the caller's, e.g. with its tokenizers already
    loading; default: the engine's own); a refused path (outside the roots, missing) raises."""
    models = _models(args, ctx)
    resolved = ctx.resolve_keys() if keys is None else keys
    reduce = getattr(args, "egress", "refuse") == "reduce"
    options = DryRunOptions(
        egress=policy_of(ctx.config, ctx.settings),
        egress_reduce=frozenset(m.name for m in models) if reduce else frozenset(),
        prompt=_prompt(args, ctx, models),
        system=DEFAULT_SYSTEM_PROMPT if args.system is None else args.system,
        max_completion_tokens=args.max_completion_tokens,
        reasoning=ReasoningChoice(args.reasoning_effort, args.thinking_budget),
        secret_policy=secret_policy(args),
        filters=Filters(tuple(args.include), tuple(args.exclude)),
        key_status={name: str(key.source) for name, key in resolved.items()},
        rate_limits=token_limits(
            ctx.config,
            {name: key.value for name, key in resolved.items()},
            LearnedLimitsStore.default(no_disk=ctx.settings.no_disk),
        ),
    )
    counter = ProviderCounter(
        ctx.config,
        {name: key.value for name, key in resolved.items()},
        opted_in=count_api_choice(args, ctx),
    )
    with counter, DryRunEngine(ctx.settings, tokens, api_counter=counter) as engine:
        result = engine.run(args.paths, models, options)
    result.selection.raise_for_refused()
    return result


def blocker_line(blocker: Blocker, keys: Mapping[str, ResolvedKey]) -> str:
    """A blocker as the command line says it: a missing key says how to add one here."""
    if blocker.kind is not BlockerKind.MISSING_KEY or blocker.provider is None:
        return blocker.message
    key = keys.get(blocker.provider)
    fix = key.fix if key is not None and key.fix else ""
    return f"{blocker.message}; {fix or f'run `fiedler keys set {blocker.provider}`'}"


def refuse_if_blocked(result: DryRunResult, keys: Mapping[str, ResolvedKey]) -> None:
    """SendBlockedError (exit 3) with every blocker of the dry run, phrased for the command line
    (the same judgement ``SendSession.preflight`` makes)."""
    if result.blockers:
        raise SendBlockedError([f"cannot send: {blocker_line(b, keys)}" for b in result.blockers])


def skipped_lines(result: DryRunResult) -> list[str]:
    """``skipped (N):`` and one line per path left out, with its reason (none when none)."""
    if not result.skipped:
        return []
    lines = [f"skipped ({len(result.skipped)}):"]
    lines.extend(f"  {display_name(s.path)}: {s.reason}" for s in result.skipped)
    return lines


def run(args: argparse.Namespace, ctx: CommandContext) -> int:
    store = CountStore.default(ctx.settings.no_disk)
    with TokenCounter(ctx.settings, store=store) as tokens:
        tokens.preload(encoding_of(m) for m in _models(args, ctx))  # loads while keys resolve
        keys = ctx.resolve_keys()
        result = build_dry_run(args, ctx, keys, tokens)
    explained = explain_paths(args.explain, _models(args, ctx), ctx)
    if args.json:
        ctx.out(json.dumps({**result.to_json(), **explained_json(explained)}, indent=2))
    else:
        _print_human(result, ctx, keys)
        print_egress(result, explained, ctx)
    return 3 if result.blockers else 0


def _print_human(
    result: DryRunResult, ctx: CommandContext, keys: Mapping[str, ResolvedKey]
) -> None:
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
        for line in skipped_lines(result):
            ctx.out(line)
    preview = result.preview
    ctx.out()
    ctx.out(
        f"package: {counted(len(preview.files), 'file')}, {counted(preview.bytes, 'byte')}, "
        f"{counted(preview.lines, 'line')}, "
        f"sha256 {preview.sha256[:16]}…"
    )
    ctx.out()
    model_rows = [
        [
            m.alias,
            m.provider,
            str(m.count_method) + (f", {m.calibration}" if m.calibration else ""),
            f"{m.input_tokens:,}"
            + (f" ({m.input_range[0]:,}–{m.input_range[1]:,})" if m.input_range else ""),
            f"{m.completion_reserve:,}",
            f"{m.context_window:,}",
            f"{100 * m.total_tokens / m.context_window:.1f}%",
            str(m.status),
            f"${m.cost_usd_max:.4f}"
            + (f" (tier >{m.price_tier:,})" if m.price_tier is not None else ""),
            m.key or "?",
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
        "key",
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
    for m in result.models:
        if m.thinking_budget or m.reasoning_effort:
            ctx.out(f"{m.alias}: reserve {m.reserve_label}")
    for m in result.models:
        if m.count_fallback or m.count_note:
            ctx.err(f"fiedler: note: {m.alias}: {m.count_label}")
    for blocker in result.blockers:
        ctx.err(f"fiedler: cannot send: {blocker_line(blocker, keys)}")
