"""``fiedler send --continue RUN_ID -p TEXT [-m ALIAS]...``: a follow-up to a saved run.

The question is ``-p``, ``--prompt-file`` or ``--template`` (filled with the run's files and the
models asked).

Each model of the run (or each named with ``-m``) continues its own conversation: the run's
package and prompt, its own answers, then the new question. The run's files are read again and
must make the very package the run sent; a prompt or question the run did not save is given
again with ``--earlier-prompt`` (checked against its sha256) or the follow-up is refused; so is
the run's system prompt: the one saved with it is sent again (``--system`` must match it, and
gives it again when only its sha256 was saved). Then
the send's checks (keys, budget of the whole conversation, rate limits, spend cap, secrets)
and the send itself, saved as the run's next turn (``turns/<n>/`` in its folder). The egress
rules judge each model's package as for a send: a model they forbid files is refused before
anything is sent, naming the files and rules, or with ``--egress reduce`` continues with the
reduced package its first turn got (any other share is refused). Each model is sent the
reasoning effort and thinking budget its turn 1 was sent, unless ``--reasoning-effort`` or
``--thinking-budget`` overrides them (checked as a send's). Exit codes as ``send``.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from fiedler_tui.commands.context import CommandContext
from fiedler_tui.commands.dry_run import (
    prompt_file_text,
    refuse_if_blocked,
    secret_policy,
    skipped_lines,
)
from fiedler_tui.commands.send import stream
from fiedler_tui.commands.send_report import report_end
from fiedler_tui.core.budget import DryRunResult
from fiedler_tui.core.config.model_names import model_names
from fiedler_tui.core.config.reasoning import reasoning_choice
from fiedler_tui.core.errors import UsageError
from fiedler_tui.core.followup.conversation import (
    FollowUpPlan,
    FollowUpRefused,
    PromptNotSaved,
    plan_follow_up,
)
from fiedler_tui.core.followup.prepare import (
    FollowUpChoices,
    follow_up_dry_run,
    reduced_package_lines,
)
from fiedler_tui.core.followup.session import FollowUpSession
from fiedler_tui.core.plural import counted
from fiedler_tui.core.ratelimits import LearnedLimitsStore, token_limits
from fiedler_tui.core.store.run_store import RunStore
from fiedler_tui.core.store.summary import sha256_text

QUESTION_FILE_MAX_BYTES = 10_000_000


def _question(args: argparse.Namespace) -> str:
    if args.template:  # stands in until the models asked are known (``_templated``)
        from fiedler_tui.core.templates import load_template

        return load_template(args.template).text
    if args.prompt_file is None:
        if args.prompt is None:
            raise UsageError(
                "--continue needs the follow-up question: -p TEXT, --prompt-file F or "
                "--template NAME"
            )
        return str(args.prompt)
    return prompt_file_text(args.prompt_file, QUESTION_FILE_MAX_BYTES)


def _check_arguments(args: argparse.Namespace) -> None:
    if args.paths:
        raise UsageError(
            "--continue takes the run's own files: give no PATH (re-run the run to send others)"
        )
    if args.include or args.exclude:
        raise UsageError("--include/--exclude do not go with --continue: the package is the run's")
    if args.count_api:
        raise UsageError(
            "--count-api does not go with --continue: a follow-up's conversation is counted here"
        )


def _asked(args: argparse.Namespace, ctx: CommandContext) -> list[str]:
    """The models named with ``-m``, each by its models.yaml name (as the run records it),
    whether given by name or alias; an unknown one is a UsageError."""
    return model_names(ctx.config, args.model)


def _plan(
    args: argparse.Namespace, ctx: CommandContext, store: RunStore, question: str
) -> FollowUpPlan:
    info = store.find(args.continue_run)
    known = {sha256_text(text): text for text in args.earlier_prompt}
    try:
        return plan_follow_up(info, question, _asked(args, ctx), known, args.system)
    except PromptNotSaved as exc:
        hint = (
            "; no --earlier-prompt given matches it"
            if args.earlier_prompt
            else "; give it again with --earlier-prompt TEXT (checked against its sha256), or "
            "set FIEDLER_SAVE_PROMPT=1 for the runs to come"
        )
        raise FollowUpRefused(exc.message + hint) from None


def _preview_lines(plan: FollowUpPlan, result: DryRunResult) -> list[str]:
    """Per model: the whole conversation's input, the reserve (with the thinking or reasoning
    effort sent) and the worst-case cost."""
    lines = [
        f"follow-up: turn {plan.number} of run {plan.run.run_id}, "
        f"{counted(len(result.preview.files), 'file')}, package unchanged"
    ]
    for m in result.models:
        turns = len(plan.continued.get(m.alias, ())) + 1
        lines.append(
            f"  {m.alias}: {m.input_tokens:,} input tokens ({turns} messages, {m.count_method}) "
            f"+ {m.reserve_label} reserved of {m.context_window:,}, "
            f"≤ ${m.cost_usd_max:.4f}"
        )
    lines.append(f"  worst-case total cost: ${result.total_cost_usd_max:.4f}")
    lines.extend(f"  {line}" for line in reduced_package_lines(result))
    return lines


def run_continue(args: argparse.Namespace, ctx: CommandContext) -> int:
    _check_arguments(args)
    settings = ctx.settings
    if args.output_dir:
        settings = settings.replace(output_dir=Path(args.output_dir).expanduser())
    store = RunStore(settings.output_dir, no_disk=settings.no_disk)
    question = _question(args)
    plan = _plan(args, ctx, store, question)
    if args.template:
        from fiedler_tui.commands.template_prompt import follow_up_template_question

        plan = plan.with_question(follow_up_template_question(args.template, ctx, plan))
    for reason in plan.left_out:
        ctx.err(f"fiedler: note: not asked: {reason}")
    resolved = ctx.resolve_keys()
    keys = {name: key.value for name, key in resolved.items()}
    result = follow_up_dry_run(
        plan,
        config=ctx.config,
        settings=settings,
        key_status={name: str(key.source) for name, key in resolved.items()},
        rate_limits=token_limits(
            ctx.config, keys, LearnedLimitsStore.default(no_disk=settings.no_disk)
        ),
        choices=FollowUpChoices(
            secret_policy=secret_policy(args),
            max_completion_tokens=args.max_completion_tokens,
            egress_reduce=args.egress == "reduce",
            reasoning=reasoning_choice(args.reasoning_effort, args.thinking_budget),
        ),
    )
    for line in skipped_lines(result):
        ctx.err(line)
    refuse_if_blocked(result, resolved)
    for line in _preview_lines(plan, result):
        ctx.err(line)
    session = FollowUpSession(
        plan=plan, result=result, config=ctx.config, settings=settings, keys=keys, store=store
    )
    session.preflight()
    signum = asyncio.run(stream(session, args, ctx))
    all_saved = report_end(session, args, ctx)
    if signum is not None:
        return 128 + signum
    return 0 if session.status == "done" and all_saved else 1
