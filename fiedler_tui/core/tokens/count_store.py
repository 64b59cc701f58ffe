"""Token counts kept between processes, so a file whose block is unchanged is not counted again.

Exact (tiktoken) counts of file blocks left as read (not masked) are kept in
``token-counts.json`` in the user state folder, owner-only. Each is keyed by a digest of the
encoding, the block's header (path, bytes, lines) and the sha256 of the file's bytes: the key
names neither the path nor the content, and any change to either is a new key. A later process
(a dry run, a send, the app's first preview) then counts only the files that changed.

Nothing is read or written with ``FIEDLER_NO_DISK=1``. At most :data:`MAX_ENTRIES` counts are
kept, the least recently added dropped first. A missing, unreadable or malformed file is an
empty store; deleting it loses nothing but time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from pathlib import Path

from fiedler_tui.core.files.reading import ReadRefusal, read_bytes_bounded
from fiedler_tui.core.locations import user_state_dir
from fiedler_tui.core.store.private_files import atomic_write_bytes, make_private_dir

log = logging.getLogger(__name__)

FILE_NAME = "token-counts.json"
FORMAT = 1
MAX_ENTRIES = 200_000
MAX_FILE_BYTES = 16_000_000


def block_identity(header: str, file_sha256: str) -> str:
    """What a block's count depends on besides the encoding: its header line (path, bytes,
    lines; the footer follows from the path) and the file's bytes, as one digest."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(header.encode("utf-8", "surrogatepass"))
    digest.update(b"\0")
    digest.update(file_sha256.encode("ascii", "replace"))
    return digest.hexdigest()


class CountStore:
    """Counts by ``encoding:identity``, loaded on first use, written by :meth:`save`.
    Thread-safe; a store without a path keeps nothing."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._counts: dict[str, int] | None = None
        self._added: dict[str, int] = {}
        self._seen: tuple[int, int] | None = None
        """(mtime_ns, size) of the file as this store last read or wrote it."""
        self._lock = threading.Lock()

    @classmethod
    def default(cls, no_disk: bool) -> CountStore:
        """The user's store (``~/.local/state/fiedler/token-counts.json``), none with no disk."""
        return cls(None if no_disk else user_state_dir() / FILE_NAME)

    def get(self, encoding: str, identity: str) -> int | None:
        if self.path is None:
            return None
        with self._lock:
            return self._loaded().get(f"{encoding}:{identity}")

    def put(self, encoding: str, identity: str, count: int) -> None:
        if self.path is None:
            return
        key = f"{encoding}:{identity}"
        with self._lock:
            counts = self._loaded()
            if counts.get(key) != count:
                counts[key] = count
                self._added[key] = count

    def save(self) -> None:
        """Write the counts added since the last save, merged with what the file holds now
        (another process may have added its own: read again only when it changed since this
        store read or wrote it); nothing when none were added."""
        with self._lock:
            if self.path is None or not self._added:
                return
            counts = self._counts
            if counts is None or self._signature() != self._seen:
                counts = self._read()
            for key, count in self._added.items():
                counts.pop(key, None)  # re-added last: the most recent
                counts[key] = count
            for key in list(counts)[: max(0, len(counts) - MAX_ENTRIES)]:
                del counts[key]
            payload = json.dumps({"format": FORMAT, "counts": counts}, separators=(",", ":"))
            try:
                make_private_dir(self.path.parent)
                atomic_write_bytes(self.path, payload.encode())
                self._seen = self._signature()
            except OSError as exc:
                log.warning("token counts not saved to %s: %s", self.path, exc)
            self._added.clear()
            self._counts = counts

    def _signature(self) -> tuple[int, int] | None:
        if self.path is None:
            return None
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return st.st_mtime_ns, st.st_size

    def _loaded(self) -> dict[str, int]:
        if self._counts is None:
            self._counts = self._read()
        return self._counts

    def _read(self) -> dict[str, int]:
        if self.path is None:
            return {}
        got = read_bytes_bounded(str(self.path), MAX_FILE_BYTES)
        if isinstance(got, ReadRefusal):
            self._seen = None
            return {}
        self._seen = (got[1].st_mtime_ns, got[1].st_size)
        try:
            data = json.loads(got[0])
        except ValueError:
            log.warning("%s is not valid JSON; token counts start afresh", self.path)
            return {}
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return {}
        counts = data.get("counts")
        if not isinstance(counts, dict):
            return {}
        return {
            key: value
            for key, value in counts.items()
            if isinstance(key, str) and type(value) is int and value >= 0
        }
