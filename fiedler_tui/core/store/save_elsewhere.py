"""Save what a run holds in memory to a folder the user names, when its own folder failed.

The folder and its missing parents are created 0700 and each file 0600, written whole and
synced; a file of the same name already there is never replaced (the new one gets ``-2``…).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fiedler_tui.core.store.names import safe_file_stem
from fiedler_tui.core.store.private_files import make_private_dir, open_private
from fiedler_tui.core.store.save_problems import SaveProblem, os_error_text


@dataclass
class SavedElsewhere:
    """What was written where, and what could not be (name, OS error text)."""

    folder: Path
    written: list[Path] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def held_files(
    problems: Sequence[SaveProblem],
    text_of: Callable[[str], str],
    summary: Callable[[], Mapping[str, Any]],
) -> dict[str, str]:
    """File name to content for every problem: ``<model>.md`` with the model's whole text, and
    ``summary.json`` when the summary was not saved."""
    taken: set[str] = {"summary"}
    files: dict[str, str] = {}
    for problem in problems:
        if problem.model is None:
            files["summary.json"] = json.dumps(summary(), indent=2, ensure_ascii=False) + "\n"
        else:
            files[f"{safe_file_stem(problem.model, taken)}.md"] = text_of(problem.model)
    return files


def _free_name(name: str, taken: set[str]) -> str:
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    candidate = safe_file_stem(stem, taken)
    return f"{candidate}.{suffix}" if suffix else candidate


def save_elsewhere(folder: Path, files: Mapping[str, str]) -> SavedElsewhere:
    """Write ``files`` (name to text) into ``folder``; never raises for a file that fails."""
    result = SavedElsewhere(folder)
    try:
        make_private_dir(folder)
        existing = {p.name.rpartition(".")[0].lower() or p.name.lower() for p in folder.iterdir()}
    except OSError as exc:
        result.failed.extend((name, os_error_text(exc)) for name in files)
        return result
    for name, text in files.items():
        path = folder / _free_name(name, existing)
        try:
            _write_new(path, text.encode("utf-8"))
        except OSError as exc:
            result.failed.append((name, os_error_text(exc)))
        else:
            result.written.append(path)
    return result


def _write_new(path: Path, data: bytes) -> None:
    """Create ``path`` (owner-only, never an existing file) holding ``data``, synced."""
    fd = open_private(path)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except OSError:
        os.close(fd)
        with contextlib.suppress(OSError):
            path.unlink()  # no half file that looks saved
        raise
    os.close(fd)
