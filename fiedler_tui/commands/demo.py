"""``fiedler --demo COMMAND``: any command on the demo's simulated models, no keys, no network.

The demo's simulator (the five models ``fiedler --demo`` opens the app on) is started on a free
loopback port, in a thread with its own event loop, the first time a command asks for the
config; the command then reads the demo's config instead of models.yaml, and the simulator
stops when the command ends. Runs are saved where every other run is (``FIEDLER_OUTPUT_DIR``),
as the app's demo does, so ``fiedler --demo runs`` lists them.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from fiedler_tui.core.errors import FiedlerError

if TYPE_CHECKING:
    from fiedler_tui.core.config.schema import Config
    from fiedler_tui.core.simulator.demo import DemoEnvironment

START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0


class DemoStartError(FiedlerError):
    """The demo's simulator could not start (e.g. no free loopback port)."""

    title = "Demo not started"
    exit_code = 1


class RunningDemo:
    """The demo's simulator serving from a thread of its own until :meth:`close`."""

    def __init__(self) -> None:
        from fiedler_tui.core.simulator.demo import DemoEnvironment

        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="fiedler-demo-simulator", daemon=True
        )
        self._env: DemoEnvironment = DemoEnvironment()
        self._thread.start()
        try:
            self._call(self._env.__aenter__(), START_TIMEOUT_S)
        except Exception as exc:
            self._stop_loop()
            raise DemoStartError(
                f"the demo's simulated models could not start: {type(exc).__name__}: {exc}"
            ) from None

    @property
    def config(self) -> Config:
        """The demo's models.yaml, pointing at the running simulator (no key needed)."""
        return self._env.config

    def close(self) -> None:
        with contextlib.suppress(Exception):  # stopping is best effort: the process is ending
            self._call(self._env.__aexit__(None, None, None), STOP_TIMEOUT_S)
        self._stop_loop()

    def _call(self, coroutine: Coroutine[Any, Any, Any], timeout_s: float) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout_s)

    def _stop_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(STOP_TIMEOUT_S)
        if not self._thread.is_alive():
            self._loop.close()
