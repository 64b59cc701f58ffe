"""The turn texts of a saved deliberation, for reading it again (Review, History).

Each turn's file is named in the summary (``output_file``); a file cut short by a crash is still
read from its ``.partial`` name. A name that is not a plain file name in the run folder, or a
file that is missing or unreadable, gives no text (the reader says so instead).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fiedler_tui.core.crosstalk.record import turn_key
from fiedler_tui.core.store.output_file import PARTIAL_SUFFIX

MAX_TURN_CHARS = 2_000_000
"""A turn file larger than this is read up to here (no model answer comes near it)."""


def saved_turn_texts(folder: Path | None, summary: Mapping[str, Any]) -> dict[str, str]:
    """``turn_key`` -> text for every turn of ``summary`` whose file can be read in ``folder``."""
    texts: dict[str, str] = {}
    if folder is None:
        return texts
    for step in summary.get("rounds") or []:
        if not isinstance(step, dict):
            continue
        for turn in step.get("turns") or []:
            if not isinstance(turn, dict):
                continue
            name = turn.get("output_file")
            if not isinstance(name, str) or not name or "/" in name or name.startswith("."):
                continue
            for candidate in (folder / name, folder / (name + PARTIAL_SUFFIX)):
                try:
                    if candidate.is_file() and not candidate.is_symlink():
                        with candidate.open(encoding="utf-8", errors="replace") as handle:
                            text = handle.read(MAX_TURN_CHARS)
                        key = turn_key(int(step["round"]), str(step["phase"]), str(turn["member"]))
                        texts[key] = text
                        break
                except (OSError, KeyError, TypeError, ValueError):
                    break
    return texts
