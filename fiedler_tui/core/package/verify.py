"""Before sending: is every previewed file still exactly what was previewed?"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from typing import Literal

from fiedler_tui.core.errors import FiedlerError
from fiedler_tui.core.files.names import display_name
from fiedler_tui.core.files.reading import ReadRefusal, read_bytes_bounded
from fiedler_tui.core.package.preview import Preview

ChangeKind = Literal["changed", "vanished"]


@dataclass(frozen=True)
class FileChange:
    """A previewed file that no longer matches its fingerprint."""

    path: str
    kind: ChangeKind
    detail: str

    def message(self) -> str:
        return f"{display_name(self.path)} {self.kind} since the preview: {self.detail}"


class PreviewStaleError(FiedlerError):
    """Files changed or vanished after the preview; it must be redone before sending (exit 3)."""

    title = "Files changed since the preview"
    exit_code = 3

    def __init__(self, changes: tuple[FileChange, ...]) -> None:
        self.changes = changes
        self.problems = [c.message() for c in changes] + ["preview again before sending"]
        super().__init__("\n".join(self.problems))

    def lines(self) -> list[str]:
        return list(self.problems)


def verify_unchanged(preview: Preview) -> tuple[FileChange, ...]:
    """Every previewed file whose size, mtime or sha256 differs now, or that is gone."""
    changes: list[FileChange] = []
    for file in preview.files:
        try:
            st = os.lstat(file.real)
        except FileNotFoundError:
            changes.append(FileChange(file.path, "vanished", "no longer exists"))
            continue
        except OSError as exc:
            changes.append(FileChange(file.path, "vanished", f"cannot be checked: {exc.strerror}"))
            continue
        if not stat.S_ISREG(st.st_mode):
            changes.append(FileChange(file.path, "changed", "no longer a regular file"))
            continue
        if st.st_size != file.size or st.st_mtime_ns != file.mtime_ns:
            detail = (
                f"size {file.size} -> {st.st_size}, mtime_ns {file.mtime_ns} -> {st.st_mtime_ns}"
            )
            changes.append(FileChange(file.path, "changed", detail))
            continue
        got = read_bytes_bounded(file.real, file.size)
        if isinstance(got, ReadRefusal):
            changes.append(FileChange(file.path, "changed", got.reason))
        elif hashlib.sha256(got[0]).hexdigest() != file.sha256:
            changes.append(FileChange(file.path, "changed", "content differs (sha256)"))
    return tuple(changes)


def ensure_unchanged(preview: Preview) -> None:
    """Raise PreviewStaleError when ``verify_unchanged`` reports anything."""
    changes = verify_unchanged(preview)
    if changes:
        raise PreviewStaleError(changes)
