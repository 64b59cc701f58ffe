"""A saved run's answers as a report lists them: one entry per model (per turn for a
deliberation), with the figures of its summary row and the text read from its output file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fiedler_tui.core.store.output_file import PARTIAL_SUFFIX
from fiedler_tui.core.store.run_store import RunInfo

MAX_ANSWER_BYTES = 8_000_000
"""Longest answer put in a report; the rest stays in the output file (and the report says so)."""


@dataclass(frozen=True)
class Answer:
    """One answer of a run: who gave it, its summary record, its text."""

    title: str
    record: Mapping[str, Any]
    text: str
    note: str = ""
    """Why the text is incomplete or missing (partial file, cut, no file), or empty."""


def _records(summary: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """(title, record) for each model, or each turn of a deliberation."""
    if summary.get("kind") == "crosstalk":
        found: list[tuple[str, Mapping[str, Any]]] = []
        rounds = summary.get("rounds")
        for step in rounds if isinstance(rounds, list) else []:
            turns = step.get("turns") if isinstance(step, Mapping) else None
            for turn in turns if isinstance(turns, list) else []:
                if isinstance(turn, Mapping):
                    title = f"round {step.get('round')} ({step.get('phase')}): {turn.get('member')}"
                    found.append((title, {**turn, "alias": turn.get("member")}))
        return found
    models = summary.get("models")
    return [
        (str(m.get("alias", "?")), m)
        for m in (models if isinstance(models, list) else [])
        if isinstance(m, Mapping)
    ]


def _read(folder: Path, record: Mapping[str, Any]) -> tuple[str, str]:
    """(text, note) from the record's output file: the final one, else the ``.partial`` one."""
    name = record.get("output_file")
    if not isinstance(name, str) or not name or "/" in name or "\\" in name or name[0] == ".":
        return "", "no output file"
    for path in (folder / name, folder / (name + PARTIAL_SUFFIX)):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                data = handle.read(MAX_ANSWER_BYTES + 1)
            text = data[:MAX_ANSWER_BYTES].decode("utf-8", errors="replace")
            notes = []
            if path.name.endswith(PARTIAL_SUFFIX):
                notes.append("interrupted: the part received before the run stopped")
            if len(data) > MAX_ANSWER_BYTES:
                notes.append(f"cut at {MAX_ANSWER_BYTES:,} bytes; {path.name} holds the rest")
            return text, "; ".join(notes)
    return "", f"{name} is not in the run folder"


def run_answers(info: RunInfo) -> list[Answer]:
    """Every answer of the run, in the summary's order."""
    answers = []
    for title, record in _records(info.summary):
        text, note = _read(info.path, record)
        answers.append(Answer(title, record, text, note))
    return answers
