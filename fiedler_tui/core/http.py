"""The one place that chooses the HTTP library.

The project uses the httpx API through its maintained fork ``httpx2``. Every other module imports
``httpx`` from here, so switching back (or forward) is a one-line change.
"""

from __future__ import annotations

import httpx2 as httpx

DEFAULT_CONNECT_TIMEOUT_S = 5.0
DEFAULT_READ_TIMEOUT_S = 120.0
DEFAULT_MAX_CONNECTIONS = 64
DEFAULT_MAX_KEEPALIVE = 16


def make_async_client(
    *,
    connect_timeout_s: float = DEFAULT_CONNECT_TIMEOUT_S,
    read_timeout_s: float = DEFAULT_READ_TIMEOUT_S,
    max_connections: int = DEFAULT_MAX_CONNECTIONS,
    max_keepalive: int = DEFAULT_MAX_KEEPALIVE,
) -> httpx.AsyncClient:
    """Build the shared client with explicit timeouts and limits (never httpx's 5 s default)."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(read_timeout_s, connect=connect_timeout_s, pool=connect_timeout_s),
        limits=httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_keepalive
        ),
        follow_redirects=False,
        trust_env=False,
    )


__all__ = ["httpx", "make_async_client"]
