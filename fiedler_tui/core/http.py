"""The shared HTTP client, and the one place that chooses the HTTP library.

The project uses the httpx API through its maintained fork ``httpx2``. Every other module imports
``httpx`` from here, so switching back (or forward) is a one-line change.

The client's connections run on :mod:`fiedler_tui.core.net` (asyncio streams that hand httpcore
whatever has arrived without a per-read round trip through the event loop) instead of httpcore's
default anyio backend, direct or through a proxy alike; everything above the connections is
httpx's own. Which proxy and which CA certificates each request uses is decided by a
:class:`~fiedler_tui.core.network.NetworkPlan` (models.yaml's ``proxy:`` and ``ca_bundle:``,
then the environment): :class:`RoutingTransport` keeps one connection pool per distinct route.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Iterable
from typing import TYPE_CHECKING

import httpcore2
import httpx2 as httpx

from fiedler_tui.core.logs import register_secrets
from fiedler_tui.core.net import AsyncioBackend
from fiedler_tui.core.network.certificates import CAError
from fiedler_tui.core.network.environment import NetworkEnvironment
from fiedler_tui.core.network.plan import NetworkPlan
from fiedler_tui.core.network.proxy_url import ProxyURL
from fiedler_tui.core.network.route import Route
from fiedler_tui.core.network.tls_contexts import cached_context, context_for

if TYPE_CHECKING:
    from fiedler_tui.core.config.schema import ProviderSpec

DEFAULT_CONNECT_TIMEOUT_S = 5.0
DEFAULT_READ_TIMEOUT_S = 120.0
DEFAULT_MAX_CONNECTIONS = 64
DEFAULT_MAX_KEEPALIVE = 16
THROUGH_PROXY = "through proxy "
"""How the text of a connect error on a proxied route begins (it then names the proxy)."""

log = logging.getLogger(__name__)


class StreamingTransport(httpx.AsyncHTTPTransport):
    """httpx's transport (HTTP/1.1) on the asyncio network backend, direct or through a proxy.

    ``ssl_context`` verifies servers (and an ``https://`` proxy); None on a route without TLS.
    ``proxy``: an HTTP proxy; ``https`` requests go through a ``CONNECT`` tunnel, ``http`` ones
    are forwarded with their absolute URL.
    """

    def __init__(
        self,
        *,
        limits: httpx.Limits,
        ssl_context: ssl.SSLContext | None,
        proxy: ProxyURL | None = None,
    ) -> None:
        # Not httpx's constructor: it would build a pool on its default backend. Everything
        # else in httpx's transport reads the pool from ``_pool``.
        backend = AsyncioBackend()
        if proxy is None:
            self._pool = httpcore2.AsyncConnectionPool(
                ssl_context=ssl_context,
                max_connections=limits.max_connections,
                max_keepalive_connections=limits.max_keepalive_connections,
                keepalive_expiry=limits.keepalive_expiry,
                network_backend=backend,
            )
            return
        auth = (proxy.username, proxy.password) if proxy.username or proxy.password else None
        self._pool = httpcore2.AsyncHTTPProxy(
            proxy_url=httpcore2.URL(
                scheme=proxy.scheme.encode(),
                host=proxy.host.encode("idna"),
                port=proxy.port,
                target=b"/",
            ),
            proxy_auth=auth,
            ssl_context=ssl_context,
            proxy_ssl_context=ssl_context if proxy.scheme == "https" else None,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )

    @property
    def pool(self) -> httpcore2.AsyncConnectionPool:
        return self._pool


class RoutingTransport(httpx.AsyncBaseTransport):
    """Sends each request along its route: one :class:`StreamingTransport` per distinct route.

    A route's SSL context is built in a thread the first time it is needed (then cached for the
    process), so the event loop never waits on reading CA files.
    ``ssl_context``: trust these CAs on every route instead (tests, private CAs).
    """

    def __init__(
        self,
        plan: NetworkPlan,
        *,
        limits: httpx.Limits,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.plan = plan
        self._limits = limits
        self._ssl_context = ssl_context
        self._transports: dict[object, StreamingTransport] = {}
        self._opening: dict[object, asyncio.Lock] = {}

    def route_of(self, url: httpx.URL | str) -> Route:
        url = httpx.URL(url)
        return self.plan.route_for(url.scheme, url.host, url.port, url.path)

    async def transport_for(self, url: httpx.URL | str) -> StreamingTransport:
        """The transport (and its pool) that requests to ``url`` use."""
        return await self._transport(self.route_of(url))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        route = self.plan.route_for(url.scheme, url.host, url.port, url.path)
        transport = self._transports.get(route.key) or await self._transport(route)
        proxy = route.proxy.proxy
        if proxy is None:
            return await transport.handle_async_request(request)
        try:
            return await transport.handle_async_request(request)
        except httpx.ProxyError as exc:
            origin = f"{url.host}:{url.port or (443 if url.scheme == 'https' else 80)}"
            text = f"proxy {proxy.shown} (from {route.proxy.source}) refused {origin}: {exc}"
            raise httpx.ProxyError(text, request=request) from exc
        except (httpx.ConnectTimeout, httpx.ConnectError) as exc:
            text = f"{THROUGH_PROXY}{proxy.shown} (from {route.proxy.source}): {exc}"
            raise type(exc)(text, request=request) from exc

    async def _transport(self, route: Route) -> StreamingTransport:
        if route.proxy.problem:  # a SOCKS or malformed proxy in the environment
            raise httpx.UnsupportedProtocol(route.proxy.problem)
        transport = self._transports.get(route.key)
        if transport is not None:
            return transport
        lock = self._opening.setdefault(route.key, asyncio.Lock())
        async with lock:
            transport = self._transports.get(route.key)
            if transport is None:
                context = await self._context(route)
                proxy = route.proxy.proxy
                if proxy is not None and proxy.password:
                    register_secrets([proxy.password])
                transport = StreamingTransport(
                    limits=self._limits, ssl_context=context, proxy=proxy
                )
                self._transports[route.key] = transport
                log.debug("new route: %s", route.describe())
        return transport

    async def _context(self, route: Route) -> ssl.SSLContext | None:
        if route.ca is None:
            return None
        if self._ssl_context is not None:
            return self._ssl_context
        context = cached_context(route.ca)
        if context is not None:
            return context
        try:
            return await asyncio.to_thread(context_for, route.ca)
        except CAError as exc:
            raise httpx.ConnectError(str(exc)) from exc

    async def aclose(self) -> None:
        transports = list(self._transports.values())
        self._transports.clear()
        for transport in transports:
            await transport.aclose()


def make_async_client(
    *,
    connect_timeout_s: float = DEFAULT_CONNECT_TIMEOUT_S,
    read_timeout_s: float = DEFAULT_READ_TIMEOUT_S,
    max_connections: int = DEFAULT_MAX_CONNECTIONS,
    max_keepalive: int = DEFAULT_MAX_KEEPALIVE,
    ssl_context: ssl.SSLContext | None = None,
    providers: Iterable[ProviderSpec] = (),
    environment: NetworkEnvironment | None = None,
) -> httpx.AsyncClient:
    """Build the shared client with explicit timeouts and limits (never httpx's 5 s default).

    ``providers``: their ``proxy:`` and ``ca_bundle:`` apply to requests under their
    ``base_url``. ``environment``: the proxy and CA variables to honour (default: this
    process's, as ``FIEDLER_TRUST_ENV`` allows). ``ssl_context``: trust these CAs instead of
    any other (tests, private CAs).
    """
    limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_keepalive)
    plan = NetworkPlan(environment or NetworkEnvironment.read(), providers)
    return httpx.AsyncClient(
        timeout=httpx.Timeout(read_timeout_s, connect=connect_timeout_s, pool=connect_timeout_s),
        transport=RoutingTransport(plan, limits=limits, ssl_context=ssl_context),
        follow_redirects=False,
        trust_env=False,
    )


__all__ = ["httpx", "make_async_client"]
