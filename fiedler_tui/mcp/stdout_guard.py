"""stdout carries only the protocol in stdio mode.

While the SDK's stdio transport serves, it keeps a private duplicate of descriptor 1 for the
protocol and points descriptor 1 at stderr, so a C extension or a child process writing to
stdout misses the wire. Python's stdout object keeps a buffer of its own, though, and what sits
in it would reach the wire if it were flushed while descriptor 1 is the wire (before serving, or
after the transport restored it). So:

- :func:`stdout_to_stderr` holds descriptor 1 and ``sys.stdout`` on stderr while the command
  sets up (loading models.yaml, importing the SDK), so nothing written then reaches the wire;
- :func:`divert_python_stdout`, from the server's lifespan (the transport holds the wire by
  then), flushes again and makes ``sys.stdout`` the stderr stream for the rest of the process;
- :func:`flush_original_stdout` at the end of the lifespan flushes what was written to
  ``sys.__stdout__`` meanwhile, while descriptor 1 still points at stderr.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

_ORIGINAL = sys.stdout


def flush_original_stdout() -> None:
    for stream in {id(s): s for s in (_ORIGINAL, sys.__stdout__, sys.stdout)}.values():
        if stream is not None:
            with contextlib.suppress(Exception):
                stream.flush()


@contextlib.contextmanager
def stdout_to_stderr() -> Iterator[None]:
    """Descriptor 1 and ``sys.stdout`` point at stderr inside; both restored on the way out,
    what was written meanwhile flushed to stderr first."""
    flush_original_stdout()
    saved = os.dup(1)
    previous = sys.stdout
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    try:
        yield
    finally:
        flush_original_stdout()
        sys.stdout = previous
        os.dup2(saved, 1)
        os.close(saved)


def divert_python_stdout() -> None:
    """Every later ``print`` and ``sys.stdout`` write goes to stderr."""
    flush_original_stdout()
    sys.stdout = sys.stderr
