"""Reading an interrupted deliberation back: its plan's choices and the turns of its complete
steps, with their texts from the run folder, so ``Deliberation(history=...)`` can go on.

A step counts as complete when the summary holds it (it is written when the step ends) and
none of its turns was cancelled (a deliberation cancelled as a whole ends its last step with
cancelled turns: that step is run again). Steps after the first incomplete one are ignored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import get_args

from fiedler_tui.core.config.reasoning import ReasoningChoice, reasoning_choice
from fiedler_tui.core.crosstalk.errors import CrosstalkInputError
from fiedler_tui.core.crosstalk.events import Role, TurnRecord, TurnStatus
from fiedler_tui.core.crosstalk.record import CROSSTALK_VERSION
from fiedler_tui.core.crosstalk.verdict import Verdict
from fiedler_tui.core.providers.errors import ErrorCode, ErrorInfo
from fiedler_tui.core.runner import TokenCounts
from fiedler_tui.core.store.run_store import RunInfo
from fiedler_tui.core.store.run_summary import RoundSummary, TurnSummary, saved_output

RESUMABLE = frozenset({"interrupted", "cancelled"})
_PHASES = frozenset({"answer", "relay", "review", "ledger", "synthesis", "report"})
_ROLES = frozenset(get_args(Role))
_STATUSES = frozenset(get_args(TurnStatus))


@dataclass(frozen=True)
class SavedDeliberation:
    run_id: str
    paradigm: str
    members: tuple[str, ...]
    personas: dict[str, str]
    chair: str | None
    rounds: int
    max_completion_tokens: int | None
    prompt_sha256: str
    package_sha256: str
    turns: tuple[TurnRecord, ...]
    reasoning: ReasoningChoice = field(default_factory=ReasoningChoice)
    """The reasoning effort and thinking budget its turns were sent with."""


def load_saved(info: RunInfo) -> SavedDeliberation:
    """The deliberation saved in ``info``; :class:`CrosstalkInputError` says why not."""
    if info.problem:
        raise CrosstalkInputError(f"run {info.run_id}: {info.problem}")
    run = info.run
    talk = run.deliberation
    if talk is None:
        raise CrosstalkInputError(f"run {info.run_id} is a send, not a deliberation")
    if talk.crosstalk_version != CROSSTALK_VERSION:
        raise CrosstalkInputError(
            f"run {info.run_id} was saved in deliberation format "
            f"{talk.crosstalk_version!r}; this version resumes {CROSSTALK_VERSION}"
        )
    if info.status not in RESUMABLE:
        raise CrosstalkInputError(
            f"run {info.run_id} is {info.status}; only an interrupted or cancelled "
            "deliberation can be resumed"
        )
    missing = [
        name
        for name, value in (
            ("paradigm", talk.paradigm),
            ("rounds_planned", talk.rounds_planned),
            ("prompt.sha256", run.prompt.sha256),
            ("package_text_sha256", talk.package_text_sha256),
        )
        if value is None
    ]
    if not talk.members or any(not m.alias for m in talk.members):
        missing.append("members")
    if missing:
        raise CrosstalkInputError(
            f"run {info.run_id}: its summary cannot be read back (no {', '.join(missing)})"
        )
    try:
        turns = tuple(_complete_turns(info.path, talk.rounds))
    except ValueError as exc:
        raise CrosstalkInputError(
            f"run {info.run_id}: its summary cannot be read back ({exc})"
        ) from None
    return SavedDeliberation(
        run_id=info.run_id,
        paradigm=str(talk.paradigm),
        members=tuple(m.alias for m in talk.members),
        personas={m.alias: m.persona for m in talk.members if m.persona},
        chair=talk.chair,
        rounds=int(talk.rounds_planned or 0),
        max_completion_tokens=talk.max_completion_tokens,
        prompt_sha256=str(run.prompt.sha256),
        package_sha256=str(talk.package_text_sha256),
        turns=turns,
        reasoning=_saved_reasoning(info.summary.get("reasoning")),
    )


def _saved_reasoning(raw: object) -> ReasoningChoice:
    """The ``reasoning`` a deliberation saved (none, or an unreadable one: each model's own)."""
    if not isinstance(raw, dict):
        return ReasoningChoice()
    budget = raw.get("thinking_budget")
    budget = budget if isinstance(budget, int) and not isinstance(budget, bool) else None
    effort = raw.get("effort")
    try:
        return reasoning_choice(effort if isinstance(effort, str) else None, budget)
    except ValueError:
        return ReasoningChoice(None, budget)


def _complete_turns(folder: Path, rounds: Sequence[RoundSummary]) -> list[TurnRecord]:
    turns: list[TurnRecord] = []
    for step in rounds:
        if step.phase not in _PHASES:
            break
        records = [_turn(folder, step.round, step.phase, turn) for turn in step.turns]
        if not records or any(r is None or r.status == "cancelled" for r in records):
            break
        turns.extend(r for r in records if r is not None)
    return turns


def _turn(folder: Path, number: int, phase: str, turn: TurnSummary) -> TurnRecord | None:
    """One saved turn, or None when its text is not on disk (the step is run again).

    ``ValueError`` names what a turn holds that cannot be a turn (role, status, error code)."""
    text = ""
    if turn.output_file:
        path = saved_output(folder, turn.output_file)
        if path is None:
            return None
        text = path.read_text("utf-8")
    elif turn.status == "finished":
        return None
    if turn.role not in _ROLES or turn.status not in _STATUSES:
        raise ValueError(f"a turn of round {number} has role {turn.role!r}, status {turn.status!r}")
    error = turn.error
    verdict = turn.verdict
    return TurnRecord(
        round=number,
        phase=phase,  # type: ignore[arg-type]
        member=turn.member,
        letter=turn.letter,
        role=turn.role,  # type: ignore[arg-type]
        status=turn.status,  # type: ignore[arg-type]
        text=text,
        usage=TokenCounts(
            input_tokens=turn.usage_input,
            output_tokens=turn.usage_output,
            cached_input_tokens=turn.usage_cached_input,
            cache_write_tokens=turn.usage_cache_write,
            output_estimated=turn.output_estimated,
        ),
        cost_usd=turn.cost_usd or 0.0,
        error=None
        if error is None
        else ErrorInfo(
            code=ErrorCode(error.code),
            message=error.message,
            provider=error.provider or "",
            http_status=error.http_status,
        ),
        verdict=None
        if verdict is None or verdict.stance is None
        else Verdict(verdict.stance, verdict.confidence),  # type: ignore[arg-type]
        ranking=turn.ranking,
    )
