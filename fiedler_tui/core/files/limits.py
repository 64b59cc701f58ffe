"""The package limits in force, and where one was crossed."""

from __future__ import annotations

from dataclasses import dataclass

from fiedler_tui.core.files.names import display_name
from fiedler_tui.core.settings import Settings


@dataclass(frozen=True)
class Limits:
    """Caps on one package, read from Settings (``FIEDLER_MAX_*``)."""

    max_package_bytes: int
    max_file_bytes: int
    max_file_count: int
    max_lines: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            max_package_bytes=settings.max_package_bytes,
            max_file_bytes=settings.max_file_bytes,
            max_file_count=settings.max_file_count,
            max_lines=settings.max_lines,
        )


@dataclass(frozen=True)
class LimitCrossing:
    """The first limit crossed while scanning: which, its value, the total reached, and where."""

    variable: str
    """The environment variable that sets the limit, e.g. ``FIEDLER_MAX_FILE_COUNT``."""
    limit: int
    reached: int
    """The total (files, bytes or lines) the package would have had with ``path`` included."""
    path: str
    """Root-relative path of the file that crossed the limit (not included)."""
    unit: str

    def message(self) -> str:
        return (
            f"{self.variable}={self.limit} crossed at {display_name(self.path)}: the package "
            f"would reach {self.reached:,} {self.unit}; deselect files or raise {self.variable}"
        )
