"""A run's follow-up turns shown in Review: each model's answers as one thread (turn 1, turn 2…).

Each model's text becomes its first answer, then for every later turn it was asked in, a rule,
the turn's heading with its status and that model's cost in it, the question (or, when it was
not saved and this app session did not send it, its length), and the answer. Runs without
follow-ups are unchanged. The cost of each turn (every model's) comes back too, read from the
turns' own folders.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from fiedler_tui.core.followup.conversation import known_text
from fiedler_tui.core.followup.thread import SavedTurn, saved_turns
from fiedler_tui.core.store.run_store import RunInfo
from fiedler_tui.core.store.run_summary import model_record

ReadOutput = Callable[[Path, Mapping[str, Any], set[str]], str]


def _quoted(text: str) -> str:
    return "\n".join("> " + line if line else ">" for line in text.splitlines() or [""])


def money(value: float | None) -> str:
    """US dollars to four places, or a dash."""
    return f"${value:.4f}" if value is not None else "–"


def _turn_part(turn: SavedTurn, alias: str, text: str, known: Mapping[str, str]) -> str:
    record = model_record(turn.record(alias) or {})
    status = f"{record.status or '?'} · {money(record.cost_usd)}"
    question = known_text(turn.question, known)
    asked = (
        _quoted(question)
        if question is not None
        else f"> (the question was not saved: {turn.question.get('chars', '?')} chars)"
    )
    heading = f"**Turn {turn.number} · follow-up** ({status})"
    return f"\n\n---\n\n{heading}\n\n{asked}\n\n{text}"


def thread_texts(
    folder: Path,
    summary: Mapping[str, Any],
    first: Mapping[str, str],
    known: Mapping[str, str],
    read_output: ReadOutput,
) -> tuple[dict[str, str], list[float | None]]:
    """Each model's thread text and each turn's cost, turn 1 first (None: not known); blocking,
    call it from a thread."""
    saved = saved_turns(RunInfo(folder.name, folder, dict(summary)))
    costs = [turn_cost(turn) for turn in saved]
    turns = saved[1:]
    texts = dict(first)
    if not turns:
        return texts, costs
    for alias, text in first.items():
        parts = [text]
        for turn in turns:
            record = turn.record(alias)
            if record is None:
                continue
            answer = read_output(turn.folder, record, {"summary.json"})
            parts.append(_turn_part(turn, alias, answer, known))
        if len(parts) > 1:
            first_cost = model_record(saved[0].record(alias) or {}).cost_usd
            parts[0] = f"**Turn 1** ({money(first_cost)})\n\n" + parts[0]
        texts[alias] = "".join(parts)
    return texts, costs


def turn_cost(turn: SavedTurn) -> float | None:
    """What the turn cost, every model's (its summary's ``cost_usd``)."""
    cost = turn.summary.get("cost_usd")
    return float(cost) if isinstance(cost, int | float) and not isinstance(cost, bool) else None
