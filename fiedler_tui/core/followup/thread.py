"""A saved run read back as turns: turn 1 is the run, then each follow-up turn's folder."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fiedler_tui.core.followup.layout import turn_folder, turn_numbers
from fiedler_tui.core.store.run_store import RunInfo, RunStore


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


@dataclass(frozen=True)
class SavedTurn:
    """One turn of a run: its summary (a run's summary, ``prompt`` being the turn's question)
    and the folder holding its answers."""

    number: int
    folder: Path
    summary: Mapping[str, Any]
    problem: str = ""

    @property
    def status(self) -> str:
        return str(self.summary.get("status", "unreadable" if self.problem else "unknown"))

    @property
    def question(self) -> Mapping[str, Any]:
        """The prompt record: ``sha256``, ``chars`` and, when prompts are saved, ``text``."""
        return _mapping(self.summary.get("prompt"))

    @property
    def records(self) -> list[Mapping[str, Any]]:
        models = self.summary.get("models")
        return [m for m in models if isinstance(m, Mapping)] if isinstance(models, list) else []

    @property
    def aliases(self) -> list[str]:
        return [str(m.get("alias")) for m in self.records if m.get("alias")]

    def record(self, alias: str) -> Mapping[str, Any] | None:
        return next((m for m in self.records if m.get("alias") == alias), None)

    def answer(self, alias: str) -> str | None:
        """The model's whole answer of this turn when it ended ``done`` and its file is on disk
        complete (never a ``.partial``); None otherwise."""
        record = self.record(alias)
        if record is None or record.get("status") != "done":
            return None
        name = record.get("output_file")
        if not isinstance(name, str) or not name or "/" in name or name.startswith("."):
            return None
        path = self.folder / name
        if not path.is_file() or path.is_symlink():
            return None
        try:
            return path.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            return None


def saved_turns(info: RunInfo) -> list[SavedTurn]:
    """Turn 1 (the run), then every follow-up turn in order; a turn left ``running`` by a
    process that is gone reads as ``interrupted`` (as a run does)."""
    turns = [SavedTurn(1, info.path, info.summary, info.problem)]
    for number in turn_numbers(info.path):
        folder = turn_folder(info.path, number)
        loaded = RunStore(folder.parent).load(folder)
        turns.append(SavedTurn(number, folder, loaded.summary, loaded.problem))
    return turns
