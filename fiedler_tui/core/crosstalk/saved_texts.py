"""The turn texts of a saved deliberation, for reading it again (Review, History).

Each turn's file is named in the summary (``output_file``); a file cut short by a crash is still
read from its ``.partial`` name. A name that is not a plain file name in the run folder, or a
file that is missing or unreadable, gives no text (the reader says so instead).
"""

from __future__ import annotations

from pathlib import Path

from fiedler_tui.core.crosstalk.record import turn_key
from fiedler_tui.core.store.run_summary import RunSummary, saved_output

MAX_TURN_CHARS = 2_000_000
"""A turn file larger than this is read up to here (no model answer comes near it)."""


def saved_turn_texts(folder: Path | None, summary: RunSummary) -> dict[str, str]:
    """``turn_key`` -> text for every turn of ``summary`` whose file can be read in ``folder``."""
    texts: dict[str, str] = {}
    if folder is None or summary.deliberation is None:
        return texts
    for step in summary.deliberation.rounds:
        for turn in step.turns:
            try:
                path = saved_output(folder, turn.output_file)
                if path is None:
                    continue
                with path.open(encoding="utf-8", errors="replace") as handle:
                    texts[turn_key(step.round, step.phase, turn.member)] = handle.read(
                        MAX_TURN_CHARS
                    )
            except (OSError, ValueError):
                continue
    return texts
