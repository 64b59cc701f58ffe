"""Reads remembered by file identity, so a re-preview only re-reads files that changed."""

from __future__ import annotations

import threading
from collections import OrderedDict

from fiedler_tui.core.files.reading import ReadRefusal, TextRead, read_text_file
from fiedler_tui.core.files.selected import SelectedFile
from fiedler_tui.core.files.walk import Candidate

DEFAULT_CACHE_CHARS = 256_000_000
MAX_SELECTED_MEMO = 100_000


class FileReadCache:
    """Text reads keyed by path and (dev, inode, size, mtime_ns, ctime_ns); least recently used
    entries are dropped beyond ``max_chars`` of cached text. Thread-safe."""

    def __init__(self, max_chars: int = DEFAULT_CACHE_CHARS) -> None:
        self.max_chars = max_chars
        self._entries: OrderedDict[str, tuple[tuple[object, ...], TextRead | ReadRefusal]] = (
            OrderedDict()
        )
        self._chars = 0
        self._selected: dict[tuple[Candidate, str, str], SelectedFile] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def read(self, candidate: Candidate, max_file_bytes: int) -> TextRead | ReadRefusal:
        key = (*candidate.identity, max_file_bytes)
        with self._lock:
            entry = self._entries.get(candidate.real)
            if entry is not None and entry[0] == key:
                self._entries.move_to_end(candidate.real)
                self.hits += 1
                return entry[1]
        result = read_text_file(candidate.real, max_file_bytes)
        if isinstance(result, TextRead) and (
            result.size != candidate.identity[2] or result.mtime_ns != candidate.identity[3]
        ):
            return result  # changed since it was listed: use it, but do not remember it
        with self._lock:
            self.misses += 1
            old = self._entries.pop(candidate.real, None)
            if old is not None:
                self._chars -= _chars(old[1])
            self._entries[candidate.real] = (key, result)
            self._chars += _chars(result)
            while self._chars > self.max_chars and len(self._entries) > 1:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._chars -= _chars(dropped)
        return result

    def selected(self, candidate: Candidate, path: str, root: str, read: TextRead) -> SelectedFile:
        """The SelectedFile for a read, reused while nothing about it changes."""
        key = (candidate, path, read.sha256)
        with self._lock:
            found = self._selected.get(key)
        if found is not None and found.text is read.text:
            return found
        made = SelectedFile(
            path=path,
            root=root,
            real=candidate.real,
            size=read.size,
            mtime_ns=read.mtime_ns,
            sha256=read.sha256,
            text=read.text,
            lines=read.lines,
            explicit=candidate.explicit,
        )
        with self._lock:
            if len(self._selected) > MAX_SELECTED_MEMO:
                self._selected.clear()
            self._selected[key] = made
        return made

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._selected.clear()
            self._chars = 0


def _chars(result: TextRead | ReadRefusal) -> int:
    return len(result.text) if isinstance(result, TextRead) else 0
