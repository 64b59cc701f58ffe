"""Run the server over stdio or streamable HTTP (bearer token, loopback by default)."""

from __future__ import annotations

import contextlib
import logging
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

import anyio
from mcp.server import MCPServer

from fiedler_tui.core.errors import UsageError
from fiedler_tui.mcp.client_gone import WatchDisconnect
from fiedler_tui.mcp.http_auth import BearerToken, is_loopback
from fiedler_tui.mcp.stdout_guard import divert_python_stdout, flush_original_stdout

log = logging.getLogger(__name__)


def stdio_lifespan() -> Callable[[MCPServer], AbstractAsyncContextManager[dict[str, object]]]:
    """The lifespan of a stdio server: ``sys.stdout`` is stderr while it serves."""

    @contextlib.asynccontextmanager
    async def lifespan(_: MCPServer) -> AsyncIterator[dict[str, object]]:
        divert_python_stdout()  # the transport holds the wire by now
        try:
            yield {}
        finally:
            flush_original_stdout()  # descriptor 1 still points at stderr

    return lifespan


def serve_stdio(server: MCPServer) -> None:
    """Serve on stdin/stdout until the client closes stdin (build ``server`` with
    :func:`stdio_lifespan`)."""
    log.info("serving MCP over stdio")
    anyio.run(server.run_stdio_async)


def serve_http(
    build: Callable[..., MCPServer],
    host: str,
    port: int,
    token: str,
    announce: Callable[[str], None],
) -> None:
    """Serve streamable HTTP on host:port at /mcp; every request needs the bearer token."""
    import uvicorn

    server = build()
    app = BearerToken(WatchDisconnect(server.streamable_http_app(host=host)), token)
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise UsageError(f"--http: cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(False)
    bound = sock.getsockname()[1]
    shown = f"[{host.strip('[]')}]" if family == socket.AF_INET6 else host
    where = "" if is_loopback(host) else " (not loopback: reachable from the network)"
    announce(f"serving MCP on http://{shown}:{bound}/mcp{where}")
    config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="on")
    log.info("serving MCP over HTTP on %s:%d", host, bound)
    uvicorn.Server(config).run(sockets=[sock])
