"""A run's follow-up turns shown in Review: each model's answers as one thread (turn 1, turn 2…).

Each model's text becomes its first answer, then for every later turn it was asked in, a rule,
the turn's heading with its status, the question (or, when it was not saved and this app
session did not send it, its length), and the answer. Runs without follow-ups are unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from fiedler_tui.core.followup.conversation import known_text
from fiedler_tui.core.followup.thread import SavedTurn, saved_turns
from fiedler_tui.core.store.run_store import RunInfo

ReadOutput = Callable[[Path, Mapping[str, Any], set[str]], str]


def _quoted(text: str) -> str:
    return "\n".join("> " + line if line else ">" for line in text.splitlines() or [""])


def _turn_part(turn: SavedTurn, alias: str, text: str, known: Mapping[str, str]) -> str:
    record = turn.record(alias) or {}
    status = str(record.get("status", "?"))
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
) -> tuple[dict[str, str], int]:
    """Each model's thread text and the run's number of turns (blocking: call from a thread)."""
    turns = saved_turns(RunInfo(folder.name, folder, dict(summary)))[1:]
    texts = dict(first)
    if not turns:
        return texts, 1
    for alias, text in first.items():
        parts = [text]
        for turn in turns:
            record = turn.record(alias)
            if record is None:
                continue
            answer = read_output(turn.folder, record, {"summary.json"})
            parts.append(_turn_part(turn, alias, answer, known))
        if len(parts) > 1:
            parts[0] = "**Turn 1**\n\n" + parts[0]
        texts[alias] = "".join(parts)
    return texts, 1 + len(turns)
