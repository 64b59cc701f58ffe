"""Ctrl-C and SIGTERM while a run goes on: the first cancels it, a second leaves at once."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Callable
from types import TracebackType

from fiedler_tui.commands.context import CommandContext

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupts:
    """Within ``with``: the first signal prints ``message`` and calls ``cancel`` (what arrived
    is kept); a second stops waiting for the cancellation and ends the process by that signal.
    ``signum`` is the first signal's number, if one came (the exit code is 128 + it)."""

    def __init__(self, ctx: CommandContext, message: str, cancel: Callable[[], None]) -> None:
        self._ctx = ctx
        self._message = message
        self._cancel = cancel
        self._loop: asyncio.AbstractEventLoop | None = None
        self.signum: int | None = None

    def _interrupt(self, signum: int) -> None:
        if self.signum is not None:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        self.signum = signum
        self._ctx.err(self._message)
        self._cancel()

    def __enter__(self) -> Interrupts:
        self._loop = asyncio.get_running_loop()
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not the main thread
            for sig in SIGNALS:
                self._loop.add_signal_handler(sig, self._interrupt, sig)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        assert self._loop is not None
        for sig in SIGNALS:
            with contextlib.suppress(NotImplementedError, RuntimeError):
                self._loop.remove_signal_handler(sig)
