"""A small file system that a test fills up: a real tmpfs when the machine allows mounting one.

As root (CI, this project's machines) :func:`small_disk` mounts a tmpfs of the size asked for in
a tmp folder and unmounts it afterwards; :meth:`SmallDisk.fill` then takes every free page, so the
next write that needs a page fails with ENOSPC exactly as on a full disk. Without the right to
mount, the same interface emulates a full disk instead: ``os.write``, ``os.posix_fallocate``,
``os.unlink`` and ``os.replace`` are wrapped for files under the folder (in this process by
:func:`small_disk`, in a child ``fiedler`` by :meth:`SmallDisk.command`), and once filled a write
gets only the bytes freed since (deleted or replaced files), then ENOSPC. ``SmallDisk.real`` says
which one a test got.
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
FILLER = ".filler"


def _mount_tmpfs(path: Path, size: str) -> bool:
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or not sys.platform.startswith("linux"):
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(path)],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


@dataclass
class SmallDisk:
    path: Path
    real: bool
    """True: a mounted tmpfs. False: the emulation (no right to mount here)."""
    marker: Path
    """The emulation's switch: the disk counts as full while this file exists (outside ``path``)."""

    def fill(self) -> None:
        """Take every free byte of the disk (real), or switch the emulated disk to full."""
        if not self.real:
            self.marker.touch()
            return
        fd = os.open(self.path / FILLER, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            for size in (1 << 20, 4096, 1):
                block = bytes(size)
                with contextlib.suppress(OSError):
                    while True:
                        os.write(fd, block)
        finally:
            os.close(fd)

    def free(self) -> None:
        """Give the space back."""
        self.marker.unlink(missing_ok=True)
        (self.path / FILLER).unlink(missing_ok=True)

    def command(self, *argv: str) -> list[str]:
        """``python -m fiedler_tui ARGV`` for a child process that writes on this disk."""
        if self.real:
            return [sys.executable, "-m", "fiedler_tui", *argv]
        code = (
            "import sys; sys.path.insert(0, sys.argv.pop(1));"
            "from tests.support.small_disk import emulate; emulate(sys.argv.pop(1), sys.argv.pop(1));"
            "from fiedler_tui.cli import main; sys.exit(main(sys.argv[1:]))"
        )
        return [sys.executable, "-c", code, str(REPO), str(self.path), str(self.marker), *argv]


class _FullDisk:
    """Wraps the os functions the store uses so files under ``root`` see a full disk on demand."""

    def __init__(self, root: Path, marker: Path) -> None:
        self.root = str(root.resolve()) + os.sep
        self.marker = str(marker)
        self.real = {name: getattr(os, name) for name in ("write", "unlink", "replace")}
        self.real_fallocate = getattr(os, "posix_fallocate", None)
        self.freed = 0
        self.was_full = False

    def full(self) -> bool:
        now = os.path.exists(self.marker)
        if now and not self.was_full:
            self.freed = 0
        self.was_full = now
        return now

    def _fd_under(self, fd: int) -> bool:
        try:
            return os.readlink(f"/proc/self/fd/{fd}").startswith(self.root)
        except OSError:
            return False

    def _path_under(self, path: Any) -> bool:
        return os.path.abspath(os.fspath(path)).startswith(self.root)

    def _no_space(self) -> OSError:
        return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def write(self, fd: int, data: Any) -> int:
        if not (self.full() and self._fd_under(fd)):
            return int(self.real["write"](fd, data))
        if self.freed <= 0:
            raise self._no_space()
        written = int(self.real["write"](fd, memoryview(data)[: self.freed]))
        self.freed -= written
        return written

    def posix_fallocate(self, fd: int, offset: int, length: int) -> None:
        if self.full() and self._fd_under(fd):
            needed = max(0, offset + length - os.fstat(fd).st_size)
            if needed > self.freed:
                raise self._no_space()
            self.freed -= needed
        assert self.real_fallocate is not None
        self.real_fallocate(fd, offset, length)

    def _size(self, path: Any) -> int:
        try:
            return os.stat(path).st_size if self.full() and self._path_under(path) else 0
        except OSError:
            return 0

    def unlink(self, path: Any, *args: Any, **kwargs: Any) -> None:
        size = self._size(path)
        self.real["unlink"](path, *args, **kwargs)
        self.freed += size

    def replace(self, src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        size = self._size(dst)
        self.real["replace"](src, dst, *args, **kwargs)
        self.freed += size

    def install(self) -> None:
        os.write = self.write  # type: ignore[assignment]
        os.unlink = self.unlink  # type: ignore[assignment]
        os.replace = self.replace  # type: ignore[assignment]
        if self.real_fallocate is not None:
            os.posix_fallocate = self.posix_fallocate

    def uninstall(self) -> None:
        for name, function in self.real.items():
            setattr(os, name, function)
        if self.real_fallocate is not None:
            os.posix_fallocate = self.real_fallocate


def emulate(root: str, marker: str) -> None:
    """In a child process: emulate the small disk at ``root`` (see :meth:`SmallDisk.command`)."""
    _FullDisk(Path(root), Path(marker)).install()


@contextlib.contextmanager
def small_disk(folder: Path, size: str = "1m", *, emulated: bool = False) -> Iterator[SmallDisk]:
    """A tmpfs of ``size`` mounted at ``folder/disk`` (root), else the emulation in this process."""
    path = folder / "disk"
    path.mkdir(parents=True, exist_ok=True)
    marker = folder / ".disk-full"
    real = not emulated and _mount_tmpfs(path, size)
    emulation = None if real else _FullDisk(path, marker)
    if emulation is not None:
        emulation.install()
    try:
        yield SmallDisk(path, real, marker)
    finally:
        if emulation is not None:
            emulation.uninstall()
        if real:
            done = subprocess.run(["umount", str(path)], capture_output=True, check=False)
            if done.returncode != 0:
                subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)


def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0
