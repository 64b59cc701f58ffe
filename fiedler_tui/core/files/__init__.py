"""Choosing the files of a package: allowed roots, expansion, safe reading, limits, skip reasons."""

from fiedler_tui.core.files.cache import FileReadCache
from fiedler_tui.core.files.errors import LimitExceededError, PathRefusedError
from fiedler_tui.core.files.ignore import Filters
from fiedler_tui.core.files.limits import LimitCrossing, Limits
from fiedler_tui.core.files.names import display_name, quote_name
from fiedler_tui.core.files.roots import AllowedRoots
from fiedler_tui.core.files.selected import SelectedFile
from fiedler_tui.core.files.selection import Selection, select_files
from fiedler_tui.core.files.skips import SkipCode, SkippedPath

__all__ = [
    "AllowedRoots",
    "FileReadCache",
    "Filters",
    "LimitCrossing",
    "LimitExceededError",
    "Limits",
    "PathRefusedError",
    "SelectedFile",
    "Selection",
    "SkipCode",
    "SkippedPath",
    "display_name",
    "quote_name",
    "select_files",
]
