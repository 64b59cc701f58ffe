"""One file chosen for the package, as read from disk."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SelectedFile:
    """One file in the package, as read."""

    path: str
    """Package path: relative to its root (prefixed by a root label when several roots are used)."""
    root: str
    real: str
    size: int
    mtime_ns: int
    sha256: str
    text: str
    lines: int
    explicit: bool
