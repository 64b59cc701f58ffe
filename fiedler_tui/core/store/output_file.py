"""One model's output, written to disk as it streams.

Each delta goes straight to the file with ``os.write`` (no user-space buffer), so text the app
has received survives a crash or SIGKILL of the process. The file is ``<stem>.md.partial`` while
the model runs and is renamed atomically to ``<stem>.md`` when the model ends, whatever the
outcome (the run's summary records the outcome). A ``.partial`` left behind means the process
died mid-run, or that a write failed (the summary then says so).

A failed write (disk full, quota, I/O error) stops the writing: later deltas are not written,
as the file would have a hole. The caller keeps the whole text in memory and hands it to
:meth:`OutputFile.close`, which tries once more to write what is missing.
"""

from __future__ import annotations

import contextlib
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
        """Bytes the file accepted (a failed sync may have lost some of them: see ``error``)."""
        self.error: OSError | None = None
        """The write that failed; nothing more is appended after it."""
        self._sync_failed = False
        self._renamed = False

    @property
    def file_name(self) -> str:
        """The final file name (what the summary records)."""
        return self.final_path.name

    @property
    def closed(self) -> bool:
        return self._fd is None

    def append(self, text: str) -> None:
        """Write ``text`` at the end; raises the ``OSError`` of a failed write (once)."""
        if self._fd is None or self.error is not None or not text:
            return
        try:
            self._write(self._fd, text.encode("utf-8"))
            now = time.monotonic()
            if now - self._last_sync >= FSYNC_INTERVAL_S:
                self._last_sync = now
                self._sync(self._fd)
        except OSError as exc:
            self.error = exc
            raise

    def _write(self, fd: int, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
            self.bytes_written += written

    def _sync(self, fd: int) -> None:
        try:
            os.fsync(fd)
        except OSError:
            self._sync_failed = True  # what was written may not be on disk: rewrite it all
            raise

    def close(self, text: str | None = None) -> Path:
        """Sync, close and rename to the final name; return the final path.

        After a failed write, ``text`` (the model's whole output) is written again from where
        the file stopped (from the start after a failed sync). Raises ``OSError`` when the file
        still cannot be completed: it is closed and stays ``.partial``.
        """
        if self._fd is None:
            if self.error is not None and not self._renamed:
                raise self.error
            return self.final_path
        fd, self._fd = self._fd, None
        try:
            if self.error is not None:
                if text is None:
                    raise self.error
                self._write_missing(fd, text.encode("utf-8"))
            self._sync(fd)
        except OSError as exc:
            self.error = exc
            with contextlib.suppress(OSError):
                os.close(fd)
            raise
        try:
            os.close(fd)
            os.replace(self.partial_path, self.final_path)
        except OSError as exc:
            self.error = exc
            raise
        self._renamed = True
        self.error = None
        fsync_dir(self.final_path.parent)
        return self.final_path

    def _write_missing(self, fd: int, data: bytes) -> None:
        """Complete the file with the part of ``data`` it lacks (all of it after a failed sync)."""
        if self._sync_failed or os.fstat(fd).st_size != self.bytes_written:
            os.ftruncate(fd, 0)
            self.bytes_written = 0
            self._sync_failed = False
        self._write(fd, data[self.bytes_written :])

    def on_disk(self) -> tuple[Path, int]:
        """The file as it is now (final or ``.partial``) and its size in bytes."""
        path = self.final_path if self._renamed else self.partial_path
        try:
            return path, os.stat(path).st_size
        except OSError:
            return path, self.bytes_written
