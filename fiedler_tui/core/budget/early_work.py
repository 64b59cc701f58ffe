"""Starting each file's work (secret scan, block, counts) while the selection is still reading.

The selection reads the files one after another in the calling thread; counting releases the
GIL. So the engine's read cache (:class:`ReadNotices`) hands each file the selection takes to
:class:`EarlyWork`, which sends files to the counter's pool in batches of about
``counter.BATCH_CHARS`` characters as they come: the pool scans and counts the first files while
later ones are read. Only files the selection took are handed over (a file past a crossed limit
is never read, so never worked on); the results are the same as working on them afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import Generic, TypeVar

from fiedler_tui.core.files.cache import FileReadCache
from fiedler_tui.core.files.reading import TextRead
from fiedler_tui.core.files.selected import SelectedFile
from fiedler_tui.core.files.walk import Candidate
from fiedler_tui.core.tokens.counter import BATCH_CHARS

W = TypeVar("W")


class ReadNotices(FileReadCache):
    """The read cache, telling ``listener`` (when set) of each file the selection takes."""

    def __init__(self) -> None:
        super().__init__()
        self.listener: Callable[[SelectedFile], None] | None = None

    def selected(self, candidate: Candidate, path: str, root: str, read: TextRead) -> SelectedFile:
        made = super().selected(candidate, path, root, read)
        listener = self.listener
        if listener is not None:
            listener(made)
        return made


class EarlyWork(Generic[W]):
    """``work`` over the files handed to :meth:`add` (those ``wanted``), in the pool by batches.

    Not thread-safe: :meth:`add` and :meth:`results` are called from the selecting thread."""

    def __init__(
        self,
        submit: Callable[[Callable[[], list[W]]], Future[list[W]]],
        work: Callable[[SelectedFile], W],
        wanted: Callable[[SelectedFile], bool],
    ) -> None:
        self._submit = submit
        self._work = work
        self._wanted = wanted
        self._batch: list[SelectedFile] = []
        self._chars = 0
        self._sent: list[tuple[list[SelectedFile], Future[list[W]]]] = []

    def add(self, file: SelectedFile) -> None:
        if not self._wanted(file):
            return
        self._batch.append(file)
        self._chars += len(file.text)
        if self._chars >= BATCH_CHARS:
            self._send()

    def results(self) -> dict[int, W]:
        """Each handed-over file's result by ``id(file)`` (the files stay referenced by the
        selection), once every batch is done; a batch's exception is raised here."""
        self._send()
        done: dict[int, W] = {}
        for files, future in self._sent:
            for file, result in zip(files, future.result(), strict=True):
                done[id(file)] = result
        return done

    def _send(self) -> None:
        if not self._batch:
            return
        batch, work = self._batch, self._work
        self._sent.append((batch, self._submit(lambda: [work(f) for f in batch])))
        self._batch, self._chars = [], 0
