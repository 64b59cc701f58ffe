"""Owner-only files and directories, created with their modes from the start (never chmod-ed).

``atomic_write_json`` gives readers either the old file or the new one, never half of one:
temp file in the same folder, fsync, rename, fsync of the folder.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

DIR_MODE = 0o700
FILE_MODE = 0o600


def make_private_dir(path: Path) -> Path:
    """Create ``path`` and missing parents with mode 0700 (a umask can only narrow it)."""
    missing: list[Path] = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        probe = probe.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, DIR_MODE)
        except FileExistsError:
            continue
    return path


def open_private(path: Path, *, exclusive: bool = True) -> int:
    """Open ``path`` for appending as a new owner-only file; return the descriptor."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_CLOEXEC", 0)
    if exclusive:
        flags |= os.O_EXCL
    return os.open(path, flags, FILE_MODE)


def fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_json(path: Path, data: Any) -> int:
    """Replace ``path`` with ``data`` as JSON, atomically and durably; return its size in bytes."""
    payload = (json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode()
    return atomic_write_bytes(path, payload)


def atomic_write_bytes(path: Path, payload: bytes) -> int:
    """Replace ``path`` with ``payload``, atomically and durably, owner-only; return its size."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = open_private(temp)
    try:
        view = memoryview(payload)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        temp.unlink(missing_ok=True)
        raise
    try:
        os.close(fd)
        os.replace(temp, path)
    except OSError:
        temp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)
    return len(payload)


def reserve_space(path: Path, size: int) -> bool:
    """Make ``path`` an owner-only file holding ``size`` allocated bytes (grown, never shrunk).

    Deleting it later gives that space back, e.g. to write a last summary on a full disk.
    False when the disk cannot spare it (the file may then hold less).
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), FILE_MODE)
    except OSError:
        return False
    try:
        if hasattr(os, "posix_fallocate"):
            os.posix_fallocate(fd, 0, size)
        else:  # no fallocate (macOS): write zeros past the current end
            start = os.fstat(fd).st_size
            zeros = bytes(min(65536, max(0, size - start)))
            while start < size:
                start += os.pwrite(fd, zeros[: size - start], start)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)
