"""The dry run of a follow-up: the run's files packaged again (and checked to be the package
the run sent), each asked model's whole conversation counted in its input and cost, with the
send's own judgement (keys, budget, rate limits, spend cap, secrets, egress rules: a model the
rules forbid files is refused, or with ``egress_reduce`` continues with the reduced package its
first turn got; reasoning controls: each model's turn 1 ones unless overridden)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from fiedler_tui.core.budget import DryRunEngine, DryRunOptions, DryRunResult
from fiedler_tui.core.config.reasoning import ReasoningChoice
from fiedler_tui.core.config.schema import Config, ModelSpec
from fiedler_tui.core.egress.guard import policy_of
from fiedler_tui.core.files.names import display_name
from fiedler_tui.core.files.roots import AllowedRoots
from fiedler_tui.core.followup.conversation import FollowUpPlan, FollowUpRefused
from fiedler_tui.core.followup.package import (
    ensure_same_package,
    ensure_same_shares,
    run_file_paths,
)
from fiedler_tui.core.followup.reasoning import first_turn_config
from fiedler_tui.core.plural import counted
from fiedler_tui.core.ratelimits.preflight import TokenLimit
from fiedler_tui.core.secrets.policy import SecretPolicy
from fiedler_tui.core.settings import Settings


@dataclasses.dataclass(frozen=True)
class FollowUpChoices:
    """What the user may set for a follow-up besides the question (as for a send)."""

    secret_policy: SecretPolicy = SecretPolicy.REFUSE
    max_completion_tokens: int | None = None
    egress_reduce: bool = False
    """A model the egress rules forbid files of the package continues with a package without
    them (which must be the reduced package its first turn got) instead of being refused."""
    reasoning: ReasoningChoice = dataclasses.field(default_factory=ReasoningChoice)
    """Overrides of the reasoning effort and thinking budget; where None, each model keeps
    what the run's turn 1 sent it (``followup.reasoning``)."""


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
    the files cannot be found, the package is not the run's or a model's share of it is not
    its first turn's; the result's ``blockers`` hold the send's own reasons not to send (a
    model the egress rules forbid files, naming them and the deciding rules)."""
    choices = choices or FollowUpChoices()
    paths = run_file_paths(plan.run, AllowedRoots.from_settings(settings))
    models = _models(first_turn_config(config, plan, choices.reasoning), plan.aliases)
    options = DryRunOptions(
        egress=policy_of(config, settings),
        egress_reduce=frozenset(m.name for m in models if choices.egress_reduce),
        prompt=plan.first_prompt,
        system=plan.system,  # the run's (checked when given again)
        max_completion_tokens=choices.max_completion_tokens,
        secret_policy=choices.secret_policy,
        key_status=key_status,
        rate_limits=rate_limits,
        continued=plan.continued,
        reasoning=choices.reasoning,
    )
    with DryRunEngine(settings) as engine:
        result = engine.run(paths, models, options)
    result.selection.raise_for_refused()
    ensure_same_package(plan.run, result)
    ensure_same_shares(plan.run, plan.aliases, result)
    return result


def reduced_package_lines(result: DryRunResult) -> list[str]:
    """Per model continuing with a reduced package: its size, then each file left out of it
    with the deciding rule (for the follow-up's preview)."""
    lines: list[str] = []
    for name, package in result.packages.items():
        withheld = result.withheld.get(name, ())
        lines.append(
            f"egress: {name} continues with the reduced package of its turn 1: "
            f"{counted(len(package.files), 'file')}, {package.bytes:,} bytes "
            f"({len(withheld)} withheld)"
        )
        lines.extend(f"  {display_name(w.path)}: {w.reason}" for w in withheld)
    return lines
