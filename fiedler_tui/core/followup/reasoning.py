"""A follow-up's reasoning controls: each model keeps what the run's turn 1 sent it.

A model's conversation continues with the reasoning effort and thinking budget its first turn
recorded (``reasoning_effort``/``thinking_budget`` of its record, None meaning none was sent),
not the models.yaml default of today; the follow-up's own ``--reasoning-effort`` or
``--thinking-budget`` overrides them as a send's do. A record from before these fields were
saved leaves the model's models.yaml default in place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fiedler_tui.core.config.reasoning import ReasoningChoice, reasoning_choice
from fiedler_tui.core.config.schema import Config, ModelSpec
from fiedler_tui.core.followup.conversation import FollowUpPlan
from fiedler_tui.core.followup.refused import FollowUpRefused


def _first_turn_spec(
    model: ModelSpec, alias: str, record: Mapping[str, Any], choice: ReasoningChoice
) -> ModelSpec:
    update: dict[str, Any] = {}
    if "reasoning_effort" in record and choice.effort is None:
        effort = record["reasoning_effort"]
        try:
            chosen = reasoning_choice(effort if isinstance(effort, str) else None, None).effort
        except ValueError:
            chosen = None
        if effort is not None and (chosen is None or chosen not in model.reasoning_efforts):
            raise FollowUpRefused(
                f"{alias} was sent reasoning effort {effort!r} in turn 1, which models.yaml "
                "no longer lists for it: choose one with --reasoning-effort"
            )
        update["reasoning_effort"] = chosen
    if "thinking_budget" in record and choice.thinking_budget is None:
        budget = record["thinking_budget"]
        if budget is not None and (not isinstance(budget, int) or isinstance(budget, bool)):
            raise FollowUpRefused(
                f"{alias}: turn 1 recorded thinking budget {budget!r}, not a whole number: "
                "choose one with --thinking-budget"
            )
        update["thinking_budget"] = budget
    return model.model_copy(update=update) if update else model


def first_turn_config(config: Config, plan: FollowUpPlan, choice: ReasoningChoice) -> Config:
    """``config`` with each asked model's reasoning defaults replaced by what the run's turn 1
    sent it, for the controls ``choice`` (the follow-up's overrides) leaves to each model (the
    dry run, the requests and the turn's records all read them from here). Refuses an effort
    turn 1 sent that models.yaml no longer lists for the model."""
    first = plan.turns[0]
    models = dict(config.models)
    for alias in plan.aliases:
        record = first.record(alias)
        if record is None:
            continue
        try:
            model = config.resolve(alias)
        except KeyError:
            continue  # refused by the dry run, naming it
        key = next((k for k, m in config.models.items() if m is model), None)
        if key is not None:
            models[key] = _first_turn_spec(models[key], alias, record, choice)
    return config.model_copy(update={"models": models})
