"""The one place that chooses the HTTP library.

The project uses the httpx API through its maintained fork ``httpx2``. Every other module imports
``httpx`` from here, so switching back (or forward) is a one-line change.

The client's connections run on :mod:`fiedler_tui.core.net` (asyncio streams that hand httpcore
whatever has arrived without a per-read round trip through the event loop) instead of httpcore's
default anyio backend; everything above the connections is httpx's own.
"""

from __future__ import annotations

import ssl

import httpcore2
import httpx2 as httpx

from fiedler_tui.core.net import AsyncioBackend

DEFAULT_CONNECT_TIMEOUT_S = 5.0
DEFAULT_READ_TIMEOUT_S = 120.0
DEFAULT_MAX_CONNECTIONS = 64
DEFAULT_MAX_KEEPALIVE = 16


class StreamingTransport(httpx.AsyncHTTPTransport):
    """httpx's transport (no proxy, HTTP/1.1) on the asyncio network backend.

    ``ssl_context``: trust these CAs instead of the default store (tests, private CAs); by
    default the system's store as httpx builds it.
    """

    def __init__(self, *, limits: httpx.Limits, ssl_context: ssl.SSLContext | None = None) -> None:
        if ssl_context is None:
            ssl_context = httpx.create_ssl_context(trust_env=False)  # built once (it is slow)
        super().__init__(verify=ssl_context, limits=limits, trust_env=False)
        self._pool = httpcore2.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=AsyncioBackend(),
        )


def make_async_client(
    *,
    connect_timeout_s: float = DEFAULT_CONNECT_TIMEOUT_S,
    read_timeout_s: float = DEFAULT_READ_TIMEOUT_S,
    max_connections: int = DEFAULT_MAX_CONNECTIONS,
    max_keepalive: int = DEFAULT_MAX_KEEPALIVE,
    ssl_context: ssl.SSLContext | None = None,
) -> httpx.AsyncClient:
    """Build the shared client with explicit timeouts and limits (never httpx's 5 s default).

    ``ssl_context``: trust these CAs instead of the default store (tests, private CAs).
    """
    limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_keepalive)
    return httpx.AsyncClient(
        timeout=httpx.Timeout(read_timeout_s, connect=connect_timeout_s, pool=connect_timeout_s),
        transport=StreamingTransport(limits=limits, ssl_context=ssl_context),
        follow_redirects=False,
        trust_env=False,
    )


__all__ = ["httpx", "make_async_client"]
