"""A saved run read as a thread for its report: turn 1 (the run), then each follow-up turn
(``turns/<n>/``), each with its question (when it was saved), its status, its cost and every
answer of the models asked in it."""

from __future__ import annotations

from dataclasses import dataclass

from fiedler_tui.core.export.answers import Answer, run_answers, turn_answers
from fiedler_tui.core.followup.conversation import known_text
from fiedler_tui.core.followup.thread import saved_turns
from fiedler_tui.core.store.run_store import RunInfo
from fiedler_tui.core.store.run_summary import RunSummary, SummaryError


@dataclass(frozen=True)
class ThreadTurn:
    """One turn of the run as the report shows it."""

    number: int
    status: str
    question: str | None
    """The turn's question (turn 1: the run's prompt); None when it was not saved."""
    chars: int | None
    """The question's length, shown when its text was not saved."""
    cost_usd: float | None
    answers: tuple[Answer, ...]
    problem: str = ""
    """Why the turn's summary could not be read (its answers are then left out)."""


def run_thread(info: RunInfo) -> list[ThreadTurn]:
    """Turn 1 then every follow-up turn, in order (only turn 1 for a run never followed up, and
    for a deliberation). Blocking: reads the turns' folders and answers."""
    run = info.run
    first = ThreadTurn(
        1,
        info.status,
        run.prompt.text,
        run.prompt.chars,
        run.cost_usd,
        tuple(run_answers(info)),
    )
    if run.is_deliberation:
        return [first]
    turns = [first]
    for turn in saved_turns(info)[1:]:
        try:
            summary = RunSummary.from_json(dict(turn.summary))
        except SummaryError as exc:
            turns.append(ThreadTurn(turn.number, turn.status, None, None, None, (), str(exc)))
            continue
        turns.append(
            ThreadTurn(
                turn.number,
                turn.status,
                known_text(turn.question, {}),
                summary.prompt.chars,
                summary.cost_usd,
                tuple(turn_answers(turn.folder, summary, turn.number)),
                turn.problem,
            )
        )
    return turns


def total_cost(turns: list[ThreadTurn]) -> float | None:
    """Every turn's cost together (None when none is known)."""
    found = [t.cost_usd for t in turns if t.cost_usd is not None]
    return round(sum(found), 6) if found else None
