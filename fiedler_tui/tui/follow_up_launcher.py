"""A follow-up's preview and launch, off the UI thread.

The preview reads the run back, rebuilds each asked model's conversation, packages the run's
files again (checked against the package it sent) and counts the whole conversations with the
send's judgement (keys, budget, rate limits, spend cap, secrets). The launch builds the
:class:`FollowUpSession` and runs its preflight. Refusals come back as lines to show.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from fiedler_tui.core.budget import DryRunResult
from fiedler_tui.core.config.reasoning import ReasoningChoice
from fiedler_tui.core.config.schema import Config
from fiedler_tui.core.errors import FiedlerError
from fiedler_tui.core.followup.conversation import FollowUpPlan, PromptNotSaved, plan_follow_up
from fiedler_tui.core.followup.prepare import (
    FollowUpChoices,
    follow_up_dry_run,
    reduced_package_lines,
)
from fiedler_tui.core.followup.session import FollowUpSession
from fiedler_tui.core.keys import KeyStore, secret_values
from fiedler_tui.core.logs import register_secrets
from fiedler_tui.core.ratelimits import LearnedLimitsStore, token_limits
from fiedler_tui.core.settings import Settings
from fiedler_tui.core.store.run_store import RunStore
from fiedler_tui.core.store.summary import sha256_text


class KnownTexts(Mapping[str, str]):
    """Texts by sha256, looked up one by one (the app's prompt memory, plus what was typed)."""

    def __init__(self, lookup: Callable[[str], str | None], typed: Sequence[str] = ()) -> None:
        self._lookup = lookup
        self._typed = {sha256_text(text): text for text in typed if text}

    def __getitem__(self, digest: str) -> str:
        text = self._typed.get(digest) or self._lookup(digest)
        if text is None:
            raise KeyError(digest)
        return text

    def __iter__(self) -> Iterator[str]:
        return iter(self._typed)

    def __len__(self) -> int:
        return len(self._typed)


@dataclass(frozen=True)
class FollowUpPreview:
    """The plan and its dry run, or why there is none (``needs_prompt``: the run's prompt was
    not saved and must be typed again)."""

    plan: FollowUpPlan | None = None
    result: DryRunResult | None = None
    keys: Mapping[str, str | None] | None = None
    problems: tuple[str, ...] = ()
    needs_prompt: bool = False

    @property
    def sendable(self) -> bool:
        return self.result is not None and not self.result.blockers

    def lines(self) -> list[str]:
        """Per model: the whole conversation's input, the reserve and the worst-case cost; then
        every reason not to send."""
        if self.plan is None or self.result is None:
            return list(self.problems)
        plan, result = self.plan, self.result
        lines = [f"turn {plan.number} of run {plan.run.run_id}: the package is unchanged"]
        for m in result.models:
            messages = len(plan.continued.get(m.alias, ())) + 1
            lines.append(
                f"{m.alias}: {m.input_tokens:,} input tokens ({messages} messages, "
                f"{m.count_method}) + {m.reserve_label} reserved of "
                f"{m.context_window:,} · ≤ ${m.cost_usd_max:.4f}"
            )
        lines.append(f"worst-case total: ${result.total_cost_usd_max:.4f}")
        lines.extend(reduced_package_lines(result))
        lines.extend(f"not asked: {reason}" for reason in plan.left_out)
        lines.extend(f"cannot send: {b.message}" for b in result.blockers)
        return lines


def _keys(
    config: Config, keystore: KeyStore, demo_keys: Mapping[str, str | None] | None
) -> tuple[dict[str, str | None], dict[str, str] | None]:
    """The keys to send with, and where each comes from (None for the demo's: the session's
    preflight judges the keys it holds)."""
    if demo_keys is not None:
        return dict(demo_keys), None
    resolved = keystore.resolve_all(config)
    register_secrets(secret_values(resolved.values()))
    keys = {name: key.value for name, key in resolved.items()}
    return keys, {name: str(key.source) for name, key in resolved.items()}


def preview_follow_up(
    *,
    folder: Path,
    question: str,
    aliases: Sequence[str],
    known: Mapping[str, str],
    config: Config,
    settings: Settings,
    keystore: KeyStore,
    demo_keys: Mapping[str, str | None] | None = None,
    reasoning: ReasoningChoice | None = None,
) -> FollowUpPreview:
    """Blocking (files, keyring, token counts): call it from a thread. ``reasoning``: the
    follow-up's overrides (None values: each model keeps what its turn 1 was sent)."""
    try:
        info = RunStore(folder.parent).load(folder)
        plan = plan_follow_up(info, question, aliases, known)
        keys, status = _keys(config, keystore, demo_keys)
        limits = token_limits(config, keys, LearnedLimitsStore.default(no_disk=settings.no_disk))
        result = follow_up_dry_run(
            plan,
            config=config,
            settings=settings,
            key_status=status,
            rate_limits=limits,
            # a model whose first turn got a package reduced by the egress rules continues
            # with that very package (any other share is refused); others are judged as sent
            choices=FollowUpChoices(egress_reduce=True, reasoning=reasoning or ReasoningChoice()),
        )
    except PromptNotSaved as exc:
        return FollowUpPreview(problems=tuple(exc.lines()), needs_prompt=exc.turn == 1)
    except FiedlerError as exc:
        return FollowUpPreview(problems=tuple(exc.lines()))
    return FollowUpPreview(plan, result, keys)


def launch_follow_up(
    preview: FollowUpPreview, *, config: Config, settings: Settings
) -> FollowUpSession | tuple[str, ...]:
    """The session, its preflight passed (the files hashed again, the run folder checked), or
    the reasons it may not run. Blocking: call it from a thread."""
    assert preview.plan is not None and preview.result is not None and preview.keys is not None
    session = FollowUpSession(
        plan=preview.plan,
        result=preview.result,
        config=config,
        settings=settings,
        keys=preview.keys,
    )
    try:
        session.preflight()
    except FiedlerError as exc:
        return tuple(exc.lines())
    return session
