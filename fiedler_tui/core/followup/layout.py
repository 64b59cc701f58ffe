"""Where a follow-up turn is written, inside the run's own folder.

Turn 1 is the run itself (``summary.json`` and ``<model>.md``). Turn ``n`` (2, 3, ...) is the
folder ``turns/<n>/``, written as a run is: ``<model>.md.partial`` renamed when the model ends,
and its own ``summary.json`` (replaced atomically, with the pid and host of its process, so a
turn left ``running`` by a process that is gone reads as ``interrupted``). The turn folder is
what a reader trusts; the run's ``summary.json`` also lists the turns under ``turns`` (updated
when a turn starts and when it ends), so a listing sees them without opening the folders.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fiedler_tui.core.store.private_files import DIR_MODE, atomic_write_json, make_private_dir
from fiedler_tui.core.store.run_store import SUMMARY_NAME, DiskRun, StoreError

TURNS_DIR = "turns"
log = logging.getLogger(__name__)


def turn_folder(run_path: Path, number: int) -> Path:
    return run_path / TURNS_DIR / str(number)


def run_folder_of(folder: Path) -> Path:
    """The run a folder belongs to: the run itself, or the run of a turn folder ``turns/<n>``."""
    if folder.parent.name == TURNS_DIR and folder.name.isdigit():
        return folder.parent.parent
    return folder


def turn_numbers(run_path: Path) -> list[int]:
    """The follow-up turns saved in ``run_path`` (``turns/<n>`` holding a summary), in order."""
    base = run_path / TURNS_DIR
    if not base.is_dir() or base.is_symlink():
        return []
    numbers = []
    for child in base.iterdir():
        name = child.name
        if name.isdigit() and int(name) >= 2 and not child.is_symlink():
            numbers.extend([int(name)] if (child / SUMMARY_NAME).is_file() else [])
    return sorted(numbers)


def open_turn(run_path: Path, run_id: str, number: int) -> DiskRun:
    """Create ``turns/<number>`` (0700; refused when it exists) and its ``running`` summary."""
    folder = turn_folder(run_path, number)
    try:
        make_private_dir(folder.parent)
        os.mkdir(folder, DIR_MODE)
    except FileExistsError:
        raise StoreError(
            f"turn {number} of run {run_id} already exists (another follow-up started it); "
            "ask again"
        ) from None
    except OSError as exc:
        raise StoreError(
            f"cannot create {folder} for the follow-up: {exc.strerror or exc}"
        ) from None
    identity = {"run_id": run_id, "turn": number, "pid": os.getpid(), "host": socket.gethostname()}
    record = DiskRun(run_id, folder, identity)
    try:
        record.write_summary({"status": "running"})
    except OSError as exc:
        with contextlib.suppress(OSError):
            folder.rmdir()
        raise StoreError(
            f"cannot write the summary of turn {number} of run {run_id}: {exc.strerror or exc}"
        ) from None
    return record


def index_turn(run_path: Path, entry: Mapping[str, Any]) -> None:
    """Put ``entry`` (its ``turn`` number replacing an older entry) in the run's ``turns`` list.

    A failure is logged and left: the turn's own folder holds the turn either way."""
    path = run_path / SUMMARY_NAME
    try:
        summary = json.loads(path.read_text("utf-8"))
        if not isinstance(summary, dict):
            raise ValueError("not a JSON object")
        turns = summary.get("turns")
        kept = [
            t
            for t in (turns if isinstance(turns, list) else [])
            if isinstance(t, dict) and t.get("turn") != entry.get("turn")
        ]
        kept.append(dict(entry))
        kept.sort(key=_turn_of)
        summary["turns"] = kept
        atomic_write_json(path, summary)
    except (OSError, ValueError) as exc:
        log.error("cannot list turn %s in %s: %s", entry.get("turn"), path, exc)


def _turn_of(entry: Mapping[str, Any]) -> int:
    number = entry.get("turn")
    return number if isinstance(number, int) else 0
