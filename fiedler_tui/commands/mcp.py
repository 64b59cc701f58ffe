"""``fiedler mcp``: serve the tools to an assistant over stdio, or over HTTP with ``--http``.

The ``mcp`` SDK is imported here, when the command runs, never by the other commands. Logs go
to the log file (and to stderr with ``--log-stderr``); in stdio mode stdout carries only the
protocol.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
from typing import TYPE_CHECKING

from fiedler_tui.commands.context import CommandContext
from fiedler_tui.core.errors import UsageError
from fiedler_tui.core.logs import (
    LOGGER_NAME,
    RedactionFilter,
    TextFormatter,
    register_secrets,
)

if TYPE_CHECKING:
    from fiedler_tui.core.mcp_tools import FiedlerTools

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"


def parse_address(raw: str) -> tuple[str, int]:
    """``PORT``, ``HOST:PORT`` or ``[IPv6]:PORT``; the host defaults to 127.0.0.1."""
    host, sep, port_text = raw.rpartition(":")
    if not sep:
        host, port_text = DEFAULT_HOST, raw
    host = host or DEFAULT_HOST
    try:
        port = int(port_text)
    except ValueError:
        raise UsageError(
            f"--http {raw!r}: expected [HOST:]PORT, e.g. 8765 or 127.0.0.1:8765"
        ) from None
    if not 0 <= port <= 65535:
        raise UsageError(f"--http {raw!r}: the port must be between 0 and 65535")
    return host, port


def _log_to_stderr(enabled: bool, token: str | None = None) -> None:
    """The SDK's and the web server's records go where fiedler's go (never to stdout); with
    ``enabled``, every record also goes to stderr, redacted and with controls escaped as in
    the log file."""
    ours = logging.getLogger(LOGGER_NAME)
    if enabled:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(TextFormatter())
        filters = [f for existing in ours.handlers for f in existing.filters]
        if not filters:  # FIEDLER_NO_DISK=1: no log file, so no filter to share
            filters = [RedactionFilter([token] if token else [])]
        for found in filters:
            handler.addFilter(found)
        ours.addHandler(handler)
    for name in ("mcp", "uvicorn", "uvicorn.error", "uvicorn.access"):
        other = logging.getLogger(name)
        other.handlers = list(ours.handlers)
        other.setLevel(logging.WARNING)
        other.propagate = False


def run(args: argparse.Namespace, ctx: CommandContext) -> int:
    from fiedler_tui.mcp.stdout_guard import stdout_to_stderr

    if args.http is not None:
        address = parse_address(args.http)
        token = _http_token(args.http, address[0], ctx)
        tools = _tools(args, ctx, token)
        try:
            from fiedler_tui.mcp.serve import serve_http
            from fiedler_tui.mcp.server import build_server

            _warm_up(tools)
            serve_http(lambda: build_server(tools), address[0], address[1], token, ctx.err)
        except KeyboardInterrupt:
            pass
        finally:
            tools.close()
        return 0
    with stdout_to_stderr():  # setting up writes nothing to the protocol's stdout
        tools = _tools(args, ctx)
        from fiedler_tui.mcp.serve import serve_stdio, stdio_lifespan
        from fiedler_tui.mcp.server import build_server

        server = build_server(tools, lifespan=stdio_lifespan())
    _warm_up(tools)
    try:
        serve_stdio(server)
    except KeyboardInterrupt:
        pass
    finally:
        tools.close()
    return 0


def _warm_up(tools: FiedlerTools) -> None:
    """Load models.yaml and the engine while the host's handshake is answered; a broken
    models.yaml is then reported by every tool call that needs it."""
    threading.Thread(target=tools.warm_up, name="fiedler-mcp-warm-up", daemon=True).start()


def _http_token(raw: str, host: str, ctx: CommandContext) -> str:
    """FIEDLER_MCP_TOKEN, or a new one printed on stderr (refused for a non-loopback host)."""
    from fiedler_tui.mcp.http_auth import is_loopback, new_token

    token = ctx.settings.mcp_token
    if not token and not is_loopback(host):
        raise UsageError(
            f"--http {raw}: binding to {host}, which is not a loopback address, needs "
            "FIEDLER_MCP_TOKEN set (a generated token would have to travel on its own); set "
            "it, or bind to 127.0.0.1"
        )
    if not token:
        token = new_token()
        ctx.err(f"fiedler mcp: bearer token (set FIEDLER_MCP_TOKEN to choose it): {token}")
    register_secrets([token])
    return token


def _tools(args: argparse.Namespace, ctx: CommandContext, token: str | None = None) -> FiedlerTools:
    from fiedler_tui.core.mcp_tools import FiedlerTools, McpOptions

    _log_to_stderr(args.log_stderr, token)
    from fiedler_tui.core.settings_file import read_settings_file

    in_file = read_settings_file().values  # settings.toml's values count as set, as variables

    def chosen(name: str) -> bool:
        return bool(os.environ.get(name, "").strip()) or name in in_file

    options = McpOptions(
        roots_set=chosen("FIEDLER_ALLOWED_FILE_ROOTS"),
        allow_secrets=ctx.settings.mcp_allow_secrets,
        output_dir_from_env=chosen("FIEDLER_OUTPUT_DIR"),
        defaults_in_memory=ctx.demo,
    )
    if not options.roots_set:
        ctx.err("fiedler mcp: FIEDLER_ALLOWED_FILE_ROOTS is not set: every file is refused")
    return FiedlerTools(ctx.settings, ctx, options)
