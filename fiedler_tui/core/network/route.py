"""The route of one URL: direct or through which proxy, and which CA certificates verify TLS.

Proxy, in this order:

1. ``proxy:`` in models.yaml: that proxy, or ``direct`` for none;
2. nothing from the environment with ``FIEDLER_TRUST_ENV=0``;
3. direct for loopback hosts (``localhost``, ``127.x.x.x``, ``::1``): a proxy elsewhere cannot
   reach this machine's loopback (Go's HTTP client does the same);
4. direct when ``NO_PROXY`` names the host;
5. ``HTTPS_PROXY`` (https URLs) or ``HTTP_PROXY`` (http URLs), else ``ALL_PROXY``.

CA certificates (for https URLs, and for an ``https://`` proxy): ``ca_bundle:`` in models.yaml,
else ``SSL_CERT_FILE``/``SSL_CERT_DIR`` (unless ``FIEDLER_TRUST_ENV=0``), else the system's. Each
replaces the system's store rather than adding to it, as curl and httpx do.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from fiedler_tui.core.network.environment import TRUST_VARIABLE, NetworkEnvironment
from fiedler_tui.core.network.proxy_url import (
    DEFAULT_PORTS,
    DIRECT,
    ProxyURL,
    mask_credentials,
    parse_proxy_url,
)

MODELS_YAML = "models.yaml"


@dataclass(frozen=True)
class ProxyChoice:
    """Through which proxy, or why direct, and where that was decided."""

    proxy: ProxyURL | None = None
    source: str = ""
    """``models.yaml`` or the variable's name (``HTTPS_PROXY``, ``https_proxy``, ...)."""
    reason: str = ""
    """Why direct, when it is."""
    problem: str = ""
    """The environment names a proxy that cannot be used (a SOCKS or malformed URL)."""

    def describe(self) -> str:
        if self.problem:
            return f"unusable proxy: {self.problem}"
        if self.proxy is not None:
            return f"proxy {self.proxy.shown} (from {self.source})"
        return f"direct ({self.reason})"


@dataclass(frozen=True)
class CAChoice:
    """The CA certificates that verify servers: a file, a folder, both, or the system's."""

    cafile: Path | None = None
    capath: Path | None = None
    source: str = ""
    """``models.yaml ca_bundle``, ``SSL_CERT_FILE``, ... ; empty for the system's store."""

    @property
    def is_system(self) -> bool:
        return self.cafile is None and self.capath is None

    def describe(self) -> str:
        if self.is_system:
            return "CA system store"
        where = " + ".join(str(p) for p in (self.cafile, self.capath) if p is not None)
        return f"CA {where} (from {self.source})"


SYSTEM_CA = CAChoice()


@dataclass(frozen=True)
class Route:
    """How requests to one provider (or one origin) travel."""

    proxy: ProxyChoice
    ca: CAChoice | None
    """None when nothing on the route speaks TLS (an http URL, direct or through an http proxy)."""

    @property
    def key(self) -> tuple[ProxyURL | None, str, CAChoice | None]:
        """Routes with equal keys share connections."""
        return (self.proxy.proxy, self.proxy.problem, self.ca)

    def describe(self) -> str:
        tls = self.ca.describe() if self.ca is not None else "no TLS (http)"
        return f"{self.proxy.describe()}; {tls}"


def route_for(
    url: str,
    *,
    environment: NetworkEnvironment,
    proxy: str | None = None,
    ca_bundle: Path | None = None,
) -> Route:
    """The route of ``url`` given a provider's ``proxy:`` and ``ca_bundle:`` (None: unset).

    ``proxy`` must have passed the config's checks; one that does not parse is a problem of
    the route rather than an exception.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    port = parts.port or DEFAULT_PORTS.get(scheme, 0)
    choice = _proxy_choice(scheme, host, port, proxy, environment)
    tls = scheme == "https" or (choice.proxy is not None and choice.proxy.scheme == "https")
    return Route(choice, _ca_choice(ca_bundle, environment) if tls else None)


def is_loopback(host: str) -> bool:
    name = host.lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name.removeprefix("[").removesuffix("]")).is_loopback
    except ValueError:
        return False


def _proxy_choice(
    scheme: str, host: str, port: int, proxy: str | None, environment: NetworkEnvironment
) -> ProxyChoice:
    if proxy is not None and proxy.strip():
        if proxy.strip().lower() == DIRECT:
            return ProxyChoice(source=MODELS_YAML, reason=f"{MODELS_YAML} proxy: {DIRECT}")
        return _parsed(proxy, MODELS_YAML, assume_http=False)
    if not environment.trusted:
        return ProxyChoice(reason=f"{TRUST_VARIABLE}=0: the environment is not used")
    if is_loopback(host):
        return ProxyChoice(reason="loopback host: the environment's proxies do not apply")
    found = environment.proxy_for(scheme)
    if found is None:
        return ProxyChoice(reason="no proxy set")
    entry = environment.no_proxy_list.match(host, port)
    if entry is not None:
        assert environment.no_proxy is not None
        return ProxyChoice(reason=f"{environment.no_proxy.name} entry {entry!r}")
    return _parsed(found.value, found.name, assume_http=True)


def _parsed(value: str, source: str, *, assume_http: bool) -> ProxyChoice:
    try:
        return ProxyChoice(parse_proxy_url(value, assume_http=assume_http), source=source)
    except ValueError as exc:
        return ProxyChoice(source=source, problem=f"{source}: {mask_credentials(str(exc))}")


def _ca_choice(ca_bundle: Path | None, environment: NetworkEnvironment) -> CAChoice:
    if ca_bundle is not None:
        return CAChoice(cafile=ca_bundle, source=f"{MODELS_YAML} ca_bundle")
    cafile, capath = environment.ca_paths
    if cafile is None and capath is None:
        return SYSTEM_CA
    names = [v.name for v in (environment.cert_file, environment.cert_dir) if v is not None]
    return CAChoice(cafile=cafile, capath=capath, source=" and ".join(names))
