"""Where every line the commands print goes through: controls escaped, a closed pipe dropped.

- Text from outside (a server's error message, a model id from a listing, a file name) may hold
  terminal controls: each line is passed through :func:`escape_controls`, which shows them as
  visible escapes. JSON output stays valid: the escapes it adds are JSON escapes of the same
  characters.
- A reader that stops early (``fiedler runs | head -1``, ``send --events | head -2``) closes the
  pipe: the first failed write points the stream's file descriptor at ``/dev/null``, so later
  lines, and the interpreter's last flush at exit, are dropped quietly while the command goes on
  to its end (a send still completes and is saved).
"""

from __future__ import annotations

import logging
import os
from typing import TextIO

from fiedler_tui.core.terminal_text import escape_controls

log = logging.getLogger(__name__)

_closed: set[int] = set()
"""ids of streams found closed that could not be pointed at /dev/null (no file descriptor)."""


def write_line(stream: TextIO | None, text: str = "") -> None:
    """Print ``text`` and a newline on ``stream``, escaped, flushed; quietly nothing once the
    reader has gone, or when there is no stream (Python's is None when started with it closed)."""
    if stream is None or id(stream) in _closed:
        return
    try:
        stream.write(escape_controls(text) + "\n")
        stream.flush()
    except BrokenPipeError:
        silence(stream)


def flush_quietly(stream: TextIO | None) -> None:
    """Flush ``stream``; a reader that has gone silences it instead of raising."""
    if stream is None or id(stream) in _closed:
        return
    try:
        stream.flush()
    except BrokenPipeError:
        silence(stream)
    except (OSError, ValueError):  # closed by someone else: nothing left to flush
        pass


def silence(stream: TextIO | None) -> None:
    """Drop everything ``stream`` is still given: its file descriptor now leads to /dev/null."""
    if stream is None:
        return
    log.debug("the reader of %s has gone: its further output is dropped", _name(stream))
    try:
        fd = stream.fileno()
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, fd)
        finally:
            os.close(devnull)
    except (OSError, ValueError):  # no file descriptor (an in-memory stream): remember it
        _closed.add(id(stream))


def _name(stream: TextIO) -> str:
    return str(getattr(stream, "name", "the output"))
