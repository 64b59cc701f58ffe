"""One model's output, written to disk as it streams.

Each delta goes straight to the file with ``os.write`` (no user-space buffer), so text the app
has received survives a crash or SIGKILL of the process. The file is ``<stem>.md.partial`` while
the model runs and is renamed atomically to ``<stem>.md`` when the model ends, whatever the
outcome (the run's summary records the outcome). A ``.partial`` left behind means the process
died mid-run.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from fiedler_tui.core.store.private_files import fsync_dir, open_private

PARTIAL_SUFFIX = ".partial"
FSYNC_INTERVAL_S = 1.0


class OutputFile:
    """Append-only writer of one model's text."""

    def __init__(self, final_path: Path) -> None:
        self.final_path = final_path
        self.partial_path = final_path.with_name(final_path.name + PARTIAL_SUFFIX)
        self._fd: int | None = open_private(self.partial_path)
        self._last_sync = time.monotonic()
        self.bytes_written = 0

    @property
    def file_name(self) -> str:
        """The final file name (what the summary records)."""
        return self.final_path.name

    @property
    def closed(self) -> bool:
        return self._fd is None

    def append(self, text: str) -> None:
        if self._fd is None or not text:
            return
        view = memoryview(text.encode("utf-8"))
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
            self.bytes_written += written
        now = time.monotonic()
        if now - self._last_sync >= FSYNC_INTERVAL_S:
            os.fsync(self._fd)
            self._last_sync = now

    def close(self) -> Path:
        """Sync, close and rename to the final name; return the final path."""
        if self._fd is None:
            return self.final_path
        fd, self._fd = self._fd, None
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(self.partial_path, self.final_path)
        fsync_dir(self.final_path.parent)
        return self.final_path
