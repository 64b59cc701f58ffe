"""The dry run of a follow-up: the run's files packaged again (and checked to be the package
the run sent), each asked model's whole conversation counted in its input and cost, with the
send's own judgement (keys, budget, rate limits, spend cap, secrets)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from fiedler_tui.core.budget import DryRunEngine, DryRunOptions, DryRunResult
from fiedler_tui.core.config.schema import Config, ModelSpec
from fiedler_tui.core.files.roots import AllowedRoots
from fiedler_tui.core.followup.conversation import FollowUpPlan, FollowUpRefused
from fiedler_tui.core.followup.package import ensure_same_package, run_file_paths
from fiedler_tui.core.ratelimits.preflight import TokenLimit
from fiedler_tui.core.request import DEFAULT_SYSTEM_PROMPT
from fiedler_tui.core.secrets.policy import SecretPolicy
from fiedler_tui.core.settings import Settings


@dataclasses.dataclass(frozen=True)
class FollowUpChoices:
    """What the user may set for a follow-up besides the question (as for a send)."""

    secret_policy: SecretPolicy = SecretPolicy.REFUSE
    max_completion_tokens: int | None = None
    system: str | None = None
    """None: the default system prompt (the run's is not saved: give the same one again)."""


def _models(config: Config, aliases: Sequence[str]) -> list[ModelSpec]:
    models: list[ModelSpec] = []
    gone: list[str] = []
    for alias in aliases:
        try:
            models.append(config.resolve(alias))
        except KeyError:
            gone.append(alias)
    if gone:
        raise FollowUpRefused(f"no longer in models.yaml: {', '.join(gone)}")
    return models


def follow_up_dry_run(
    plan: FollowUpPlan,
    *,
    config: Config,
    settings: Settings,
    key_status: Mapping[str, str] | None = None,
    rate_limits: Mapping[str, Sequence[TokenLimit]] | None = None,
    choices: FollowUpChoices | None = None,
) -> DryRunResult:
    """Blocks on the disk: call it from a thread in the app. Refuses (``FollowUpRefused``) when
    the files cannot be found or the package is not the run's; the result's ``blockers`` hold
    the send's own reasons not to send."""
    choices = choices or FollowUpChoices()
    paths = run_file_paths(plan.run, AllowedRoots.from_settings(settings))
    options = DryRunOptions(
        prompt=plan.first_prompt,
        system=DEFAULT_SYSTEM_PROMPT if choices.system is None else choices.system,
        max_completion_tokens=choices.max_completion_tokens,
        secret_policy=choices.secret_policy,
        key_status=key_status,
        rate_limits=rate_limits,
        continued=plan.continued,
    )
    with DryRunEngine(settings) as engine:
        result = engine.run(paths, _models(config, plan.aliases), options)
    result.selection.raise_for_refused()
    ensure_same_package(plan.run, result)
    return result
