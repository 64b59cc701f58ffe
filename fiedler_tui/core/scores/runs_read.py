"""What the scoreboard needs from one run folder, read from its files (no index involved).

Only a run with a ``ratings.json`` has answers that count; its ``summary.json`` gives the day it
started and each model's cost. A deliberation is not rated (Review's blind mode rates a send).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from fiedler_tui.core.scores.board import RatedAnswer, rated_answers
from fiedler_tui.core.scores.ratings import RATINGS_NAME, RatingsError, load_ratings
from fiedler_tui.core.store.run_summary import RunSummary, SummaryError

SUMMARY_NAME = "summary.json"


@dataclass(frozen=True)
class RunScoreFacts:
    """One run as the scoreboard sees it: its answers that count (none when unrated), and why
    it could not be read (``problem``)."""

    run_id: str
    stamp: str
    """The folder's modification time (ns): a summary or ratings file replaced changes it."""
    answers: tuple[RatedAnswer, ...] = ()
    problem: str = ""


def folder_stamp(folder: Path) -> str:
    return str(folder.stat().st_mtime_ns)


def run_folders(root: Path) -> Iterator[os.DirEntry[str]]:
    """The run folders directly under ``root`` (real folders, no links)."""
    try:
        entries = list(os.scandir(root))
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False) and not entry.name.startswith("."):
            yield entry


def read_run_facts(folder: Path, stamp: str | None = None) -> RunScoreFacts:
    """The run's answers that count, from its ratings and summary files."""
    stamp = stamp if stamp is not None else folder_stamp(folder)
    run_id = folder.name
    if not (folder / RATINGS_NAME).exists():
        return RunScoreFacts(run_id, stamp)
    try:
        ratings = load_ratings(folder)
    except RatingsError as exc:
        return RunScoreFacts(run_id, stamp, problem=str(exc))
    if ratings is None or ratings.empty:
        return RunScoreFacts(run_id, stamp)
    try:
        raw = json.loads((folder / SUMMARY_NAME).read_text("utf-8"))
        summary = RunSummary.from_json(raw)
    except (OSError, ValueError, SummaryError) as exc:
        return RunScoreFacts(run_id, stamp, problem=f"summary.json: {exc}")
    day = (summary.started_at or "")[:10]
    models = [(m.alias, m.cost_usd) for m in summary.models]
    answers = rated_answers(run_id, day, models, ratings)
    return RunScoreFacts(run_id, stamp, tuple(answers))


def scan_answers(root: Path) -> list[RatedAnswer]:
    """Every answer that counts under ``root``, read from the run folders themselves."""
    answers: list[RatedAnswer] = []
    for entry in run_folders(root):
        answers.extend(read_run_facts(Path(entry.path), str(entry.stat().st_mtime_ns)).answers)
    return answers
