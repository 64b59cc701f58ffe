"""The textual-serve server, quiet on the terminal and guarded (see :mod:`.access_guard`)."""

from __future__ import annotations

import asyncio
import logging
import shlex
import signal
import socket
import sys
from collections.abc import Callable

from aiohttp import web
from textual_serve.server import Server

from fiedler_tui.core.errors import UsageError
from fiedler_tui.core.logs import LOGGER_NAME
from fiedler_tui.core.network.route import is_loopback
from fiedler_tui.web.access_guard import access_guard, loopback_hosts

SHUTDOWN_S = 3.0
"""On Ctrl+C, how long open tabs get before their apps are stopped."""


def app_command(*, demo: bool, config_path: str | None) -> str:
    """The shell command textual-serve starts for each browser tab: this same fiedler."""
    words: list[str] = [sys.executable, "-m", "fiedler_tui"]
    if demo:
        words.append("--demo")
    if config_path:
        words += ["--config", config_path]
    return shlex.join(words)


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: any free one), or a UsageError saying why not."""
    name = host.strip("[]")
    family = socket.AF_INET6 if ":" in name else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((name, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise UsageError(f"serve: cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(False)
    return sock


class GuardedServer(Server):
    """textual-serve's server behind the token/origin guard, logging into fiedler's log."""

    def __init__(
        self, command: str, *, sock: socket.socket, token: str, announce: Callable[[str], None]
    ) -> None:
        host, port = sock.getsockname()[:2]
        shown = f"[{host}]" if ":" in host else host
        super().__init__(command, host=host, port=port, title="fiedler")
        self.public_url = f"http://{shown}:{port}"
        self._sock = sock
        self._token = token
        self._announce = announce

    def initialize_logging(self) -> None:
        ours = logging.getLogger(LOGGER_NAME)
        for name in ("textual-serve", "aiohttp", "aiohttp.access", "aiohttp.server"):
            other = logging.getLogger(name)
            other.handlers = list(ours.handlers)
            other.setLevel(logging.WARNING)
            other.propagate = False

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        hosts = loopback_hosts(self.port) if is_loopback(self.host) else None
        app.middlewares.append(access_guard(self._token, hosts))
        return app

    async def on_startup(self, app: web.Application) -> None:
        where = "" if is_loopback(self.host) else " (not loopback: reachable from the network)"
        self._announce(f"fiedler serve: open {self.public_url}/?token={self._token}{where}")
        self._announce("fiedler serve: each browser tab runs its own app; Ctrl+C stops serving")

    def serve(self, debug: bool = False) -> None:
        """Serve on the socket given until Ctrl+C or SIGTERM (textual-serve's own ``serve``
        binds by host and port, which cannot report the port of a ``--port 0`` bind)."""
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, self.request_exit)
        web.run_app(  # ends quietly on the GracefulExit that request_exit raises
            self._make_app(),
            sock=self._sock,
            handle_signals=False,
            shutdown_timeout=SHUTDOWN_S,
            loop=loop,
            print=lambda *args: None,
        )


def serve(
    *,
    host: str,
    port: int,
    token: str,
    demo: bool,
    config_path: str | None,
    announce: Callable[[str], None],
) -> None:
    """Serve until Ctrl+C or SIGTERM."""
    command = app_command(demo=demo, config_path=config_path)
    GuardedServer(command, sock=listen(host, port), token=token, announce=announce).serve()
