"""The routes of a config: one per provider, found again from each request's URL.

A request belongs to the provider whose ``base_url`` is the longest prefix of its URL (so two
providers on one host may still take different routes); a URL of no provider takes the route
the environment alone gives its origin.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from fiedler_tui.core.network.environment import NetworkEnvironment
from fiedler_tui.core.network.proxy_url import DEFAULT_PORTS
from fiedler_tui.core.network.route import Route, route_for

if TYPE_CHECKING:
    from fiedler_tui.core.config.schema import ProviderSpec

Origin = tuple[str, str, int]


@dataclass(frozen=True)
class ProviderRoute:
    name: str
    base_url: str
    route: Route
    origin: Origin
    path: str
    """The base URL's path without a trailing slash."""

    def covers(self, origin: Origin, path: str) -> bool:
        if origin != self.origin:
            return False
        return not self.path or path == self.path or path.startswith(f"{self.path}/")


class NetworkPlan:
    """Every provider's route, and the environment's for any other URL."""

    def __init__(
        self, environment: NetworkEnvironment, providers: Iterable[ProviderSpec] = ()
    ) -> None:
        self.environment = environment
        routes = []
        for spec in providers:
            origin, path = split_url(spec.base_url)
            route = route_for(
                spec.base_url, environment=environment, proxy=spec.proxy, ca_bundle=spec.ca_bundle
            )
            routes.append(ProviderRoute(spec.name, spec.base_url, route, origin, path))
        self.providers = tuple(sorted(routes, key=lambda r: len(r.path), reverse=True))
        self._by_origin: dict[Origin, Route] = {}

    def route_of(self, provider: str) -> Route:
        for entry in self.providers:
            if entry.name == provider:
                return entry.route
        raise KeyError(provider)

    def route_for(self, scheme: str, host: str, port: int | None, path: str) -> Route:
        """The route of a request to ``scheme://host:port/path``."""
        origin = (scheme.lower(), host.lower(), port or DEFAULT_PORTS.get(scheme.lower(), 0))
        for entry in self.providers:
            if entry.covers(origin, path):
                return entry.route
        route = self._by_origin.get(origin)
        if route is None:
            netloc = f"[{origin[1]}]" if ":" in origin[1] else origin[1]
            url = f"{origin[0]}://{netloc}:{origin[2]}/"
            route = self._by_origin[origin] = route_for(url, environment=self.environment)
        return route


def split_url(url: str) -> tuple[Origin, str]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or DEFAULT_PORTS.get(scheme, 0)
    return (scheme, (parts.hostname or "").lower(), port), parts.path.rstrip("/")
