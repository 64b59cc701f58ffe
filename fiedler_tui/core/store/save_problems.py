"""What a run could not save: one typed record per output or summary, for every front end.

The recorder keeps each model's full text in memory, so a record says how much of it reached the
disk (``bytes_on_disk``) against what is held (``bytes_held``); the CLI prints :meth:`describe`
on stderr and the records in ``--json``, the app notifies and marks the model's pane.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def os_error_text(exc: OSError) -> str:
    """The OS's wording of an error (``No space left on device``), else its representation."""
    if exc.strerror:
        return exc.strerror
    if exc.errno is not None:
        return errno.errorcode.get(exc.errno, str(exc))
    return str(exc) or type(exc).__name__


@dataclass(frozen=True)
class SaveProblem:
    """One write that did not complete: a model's output (``model`` set) or the run's summary."""

    model: str | None
    """The model whose output is incomplete; None for the summary."""
    path: Path | None
    """The file as it is on disk (``<model>.md.partial`` when incomplete; None if never created)."""
    error: str
    """The OS's error text, e.g. ``No space left on device``."""
    bytes_on_disk: int = 0
    bytes_held: int = 0
    """The model's whole text in UTF-8 bytes, as kept in memory (0 for the summary)."""

    @property
    def is_summary(self) -> bool:
        return self.model is None

    def describe(self) -> str:
        """One line naming what is incomplete, e.g.
        ``gpt-5: output not saved: 4,096 of 15,912 bytes on disk (No space left on device)``."""
        if self.model is None:
            where = f" {self.path}" if self.path is not None else ""
            return f"summary not saved ({self.error}): the run folder's{where} is out of date"
        return (
            f"{self.model}: output not saved: {self.bytes_on_disk:,} of {self.bytes_held:,} "
            f"bytes on disk ({self.error})"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "what": "summary" if self.model is None else "output",
            "model": self.model,
            "path": str(self.path) if self.path is not None else None,
            "error": self.error,
            "bytes_on_disk": self.bytes_on_disk,
            "bytes_held": self.bytes_held,
        }
