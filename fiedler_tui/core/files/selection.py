"""The scanning entry point: user paths in, selected files (read, fingerprinted) and skips out.

Limits are enforced while scanning, in package order: the first file that would push the file
count, byte total or line total over its limit stops the scan, is named in ``crossing``, and no
later file is read.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from fiedler_tui.core.files.cache import FileReadCache
from fiedler_tui.core.files.errors import LimitExceededError, PathRefusedError
from fiedler_tui.core.files.ignore import Filters
from fiedler_tui.core.files.limits import LimitCrossing, Limits
from fiedler_tui.core.files.names import display_name
from fiedler_tui.core.files.reading import ReadRefusal
from fiedler_tui.core.files.roots import AllowedRoots
from fiedler_tui.core.files.selected import SelectedFile
from fiedler_tui.core.files.skips import REFUSAL_CODES, UNPACKABLE_CODES, SkippedPath
from fiedler_tui.core.files.walk import expand
from fiedler_tui.core.settings import Settings


@dataclass(frozen=True)
class Selection:
    """The result of scanning: files in package order, every skip, the limits and any crossing."""

    files: tuple[SelectedFile, ...]
    skipped: tuple[SkippedPath, ...]
    limits: Limits
    roots: AllowedRoots
    crossing: LimitCrossing | None = None
    unscanned: int = 0
    """Candidates not looked at because a limit was crossed first."""

    @property
    def bytes(self) -> int:
        return sum(f.size for f in self.files)

    @property
    def lines(self) -> int:
        return sum(f.lines for f in self.files)

    @property
    def refused(self) -> tuple[SkippedPath, ...]:
        """Paths the user named that cannot be used at all (missing, outside the roots)."""
        return tuple(s for s in self.skipped if s.explicit and s.code in REFUSAL_CODES)

    @property
    def unpackable(self) -> tuple[SkippedPath, ...]:
        """Paths the user named that exist but cannot be packaged (binary, not UTF-8, a FIFO,
        too large, inside a built-in ignored folder...): sending them is refused."""
        return tuple(s for s in self.skipped if s.explicit and s.code in UNPACKABLE_CODES)

    def raise_for_refused(self) -> None:
        """PathRefusedError (exit 2) listing each refused path the user named."""
        if self.refused:
            raise PathRefusedError([f"{display_name(s.path)}: {s.reason}" for s in self.refused])

    def raise_for_crossing(self) -> None:
        """LimitExceededError (exit 3) naming the limit, its value and where it was crossed."""
        if self.crossing is not None:
            raise LimitExceededError(self.crossing.message())


def _root_labels(roots: AllowedRoots) -> list[str]:
    labels = [os.path.basename(r.rstrip(os.sep)) or "root" for r in roots.roots]
    return [
        label if labels.count(label) == 1 else f"{label}~{index + 1}"
        for index, label in enumerate(labels)
    ]


def select_files(
    paths: Iterable[str | os.PathLike[str]],
    settings: Settings,
    filters: Filters | None = None,
    cache: FileReadCache | None = None,
    cwd: str | None = None,
    from_folders: Collection[str] = (),
) -> Selection:
    """Resolve, expand, read and limit-check ``paths`` (relative ones against ``cwd``);
    ``from_folders`` as for :func:`~fiedler_tui.core.files.walk.expand`."""
    roots = AllowedRoots.from_settings(settings)
    limits = Limits.from_settings(settings)
    expansion = expand(paths, roots, filters, cwd, from_folders)
    reads = cache if cache is not None else FileReadCache()
    multi_root = len({c.root_index for c in expansion.candidates}) > 1
    labels = _root_labels(roots)
    files: list[SelectedFile] = []
    skipped = list(expansion.skipped)
    crossing: LimitCrossing | None = None
    total_bytes = total_lines = 0
    index = 0
    for index, candidate in enumerate(expansion.candidates):  # noqa: B007
        path = f"{labels[candidate.root_index]}/{candidate.rel}" if multi_root else candidate.rel
        got = reads.read(candidate, limits.max_file_bytes)
        if isinstance(got, ReadRefusal):
            skipped.append(SkippedPath(path, got.code, got.reason, candidate.explicit))
            continue
        crossing = _crossing(
            limits, path, len(files) + 1, total_bytes + got.size, total_lines + got.lines
        )
        if crossing is not None:
            break
        total_bytes += got.size
        total_lines += got.lines
        files.append(reads.selected(candidate, path, roots.roots[candidate.root_index], got))
    unscanned = len(expansion.candidates) - index - 1 if crossing is not None else 0
    return Selection(tuple(files), tuple(skipped), limits, roots, crossing, unscanned)


def _crossing(limits: Limits, path: str, count: int, size: int, lines: int) -> LimitCrossing | None:
    if count > limits.max_file_count:
        return LimitCrossing("FIEDLER_MAX_FILE_COUNT", limits.max_file_count, count, path, "files")
    if size > limits.max_package_bytes:
        return LimitCrossing(
            "FIEDLER_MAX_PACKAGE_BYTES", limits.max_package_bytes, size, path, "bytes"
        )
    if lines > limits.max_lines:
        return LimitCrossing("FIEDLER_MAX_LINES", limits.max_lines, lines, path, "lines")
    return None
