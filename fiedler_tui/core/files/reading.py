"""Reading one file safely: regular files only, size checked before reading, bounded reads.

Policy: special files (FIFO, socket, device) are never opened, so a FIFO cannot hang the scan and
``/dev/zero`` is never read. The size is checked from ``stat`` before opening and again from
``fstat`` after; the read itself stops one byte past the per-file cap, so a sparse 2 GB file or a
file growing while read never enters memory. Text must be UTF-8 (strict; a BOM is kept as
U+FEFF): a NUL byte in the first 8 KiB means binary, any invalid sequence means not UTF-8; both are
skipped with the offset in the reason. A file the process cannot open is skipped as unreadable
(note: root can open ``chmod 000`` files, so for root they are read normally).
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass

from fiedler_tui.core.files.skips import SkipCode

BINARY_SNIFF_BYTES = 8192
_READ_CHUNK = 1 << 20
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_NOCTTY", 0)
)


@dataclass(frozen=True)
class TextRead:
    """A file read in full and decoded."""

    text: str
    size: int
    mtime_ns: int
    sha256: str
    lines: int


@dataclass(frozen=True)
class ReadRefusal:
    """Why a file was not read, or not usable as text."""

    code: SkipCode
    reason: str


def special_kind(mode: int) -> str | None:
    """A name for a non-regular file type (``fifo``, ``socket``, ...), None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode):
        return "character device"
    if stat.S_ISBLK(mode):
        return "block device"
    return "special file"


def count_lines(text: str) -> int:
    """Lines as an editor shows them: a final line without a newline still counts."""
    if not text:
        return 0
    return text.count("\n") + (0 if text.endswith("\n") else 1)


def _os_reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def read_bytes_bounded(real: str, max_bytes: int) -> tuple[bytes, os.stat_result] | ReadRefusal:
    """The bytes of regular file ``real`` if it has at most ``max_bytes``; never opens others."""
    try:
        before = os.stat(real)
    except FileNotFoundError:
        return ReadRefusal(SkipCode.MISSING, "no such file")
    except OSError as exc:
        return ReadRefusal(SkipCode.UNREADABLE, f"unreadable: {_os_reason(exc)}")
    kind = special_kind(before.st_mode)
    if kind is not None:
        return ReadRefusal(SkipCode.SPECIAL_FILE, f"not a regular file ({kind}); never opened")
    if before.st_size > max_bytes:
        return _too_large(before.st_size, max_bytes)
    try:
        fd = os.open(real, _OPEN_FLAGS)
    except OSError as exc:
        return ReadRefusal(SkipCode.UNREADABLE, f"unreadable: {_os_reason(exc)}")
    try:
        st = os.fstat(fd)
        kind = special_kind(st.st_mode)
        if kind is not None:  # swapped between stat and open
            return ReadRefusal(SkipCode.SPECIAL_FILE, f"not a regular file ({kind})")
        if st.st_size > max_bytes:
            return _too_large(st.st_size, max_bytes)
        chunks: list[bytes] = []
        total = 0
        while total <= max_bytes:
            chunk = os.read(fd, min(_READ_CHUNK, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > max_bytes:
            return _too_large(total, max_bytes, growing=True)
        return b"".join(chunks), st
    except OSError as exc:
        return ReadRefusal(SkipCode.UNREADABLE, f"unreadable: {_os_reason(exc)}")
    finally:
        os.close(fd)


def _too_large(size: int, cap: int, growing: bool = False) -> ReadRefusal:
    more = "more than " if growing else ""
    return ReadRefusal(
        SkipCode.TOO_LARGE,
        f"{more}{size:,} bytes, above the per-file cap FIEDLER_MAX_FILE_BYTES={cap}",
    )


def decode_text(data: bytes) -> str | ReadRefusal:
    """``data`` as strict UTF-8 text, or why not (binary or invalid UTF-8)."""
    nul = data.find(b"\0", 0, BINARY_SNIFF_BYTES)
    if nul >= 0:
        return ReadRefusal(SkipCode.BINARY, f"binary: NUL byte at offset {nul}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return ReadRefusal(SkipCode.NOT_UTF8, f"not UTF-8: invalid byte at offset {exc.start}")


def read_text_file(real: str, max_bytes: int) -> TextRead | ReadRefusal:
    """Read, fingerprint and decode one file, or say why it cannot be used."""
    got = read_bytes_bounded(real, max_bytes)
    if isinstance(got, ReadRefusal):
        return got
    data, st = got
    text = decode_text(data)
    if isinstance(text, ReadRefusal):
        return text
    return TextRead(
        text=text,
        size=len(data),
        mtime_ns=st.st_mtime_ns,
        sha256=hashlib.sha256(data).hexdigest(),
        lines=count_lines(text),
    )
