"""``NO_PROXY``: the hosts reached directly although a proxy is set, as curl reads the list.

Entries are separated by commas (spaces around them are ignored):

- ``*`` alone: no host uses the environment's proxy.
- a name (``example.com``, ``.example.com`` or ``*.example.com``): that host and every host under
  it (``api.example.com``), not ``badexample.com``;
- an IP address (``10.1.2.3``, ``::1`` or ``[::1]``) or a network in CIDR form
  (``192.168.0.0/16``, ``fd00::/8``): hosts written as such addresses (names are not resolved);
- any of these with ``:port``: only that port.

Matching is case-insensitive; unparseable entries are ignored, as curl and httpx ignore them.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class NoProxyEntry:
    """One entry of the list, as written (for messages) and as matched."""

    text: str
    domain: str = ""
    network: IPNetwork | None = None
    port: int | None = None

    def matches(self, host: str, port: int) -> bool:
        if self.port is not None and self.port != port:
            return False
        if self.network is not None:
            address = _address(host)
            return address is not None and address in self.network
        host = host.lower().rstrip(".")
        return host == self.domain or host.endswith(f".{self.domain}")


@dataclass(frozen=True)
class NoProxy:
    """A parsed ``NO_PROXY`` value."""

    entries: tuple[NoProxyEntry, ...] = ()
    everything: bool = False
    """``*`` was among the entries."""

    def match(self, host: str, port: int) -> str | None:
        """The entry (as written) that sends ``host:port`` direct, or None."""
        if self.everything:
            return "*"
        for entry in self.entries:
            if entry.matches(host, port):
                return entry.text
        return None


def parse_no_proxy(value: str) -> NoProxy:
    entries: list[NoProxyEntry] = []
    for raw in value.split(","):
        text = raw.strip()
        if text == "*":
            return NoProxy(everything=True)
        entry = _entry(text)
        if entry is not None:
            entries.append(entry)
    return NoProxy(tuple(entries))


def _entry(text: str) -> NoProxyEntry | None:
    if not text:
        return None
    body = text.lower().split("://", 1)[-1].rstrip("/")
    body, port = _split_port(body)
    if port == -1:
        return None
    host = body.removeprefix("[").removesuffix("]") if body.startswith("[") else body
    try:
        network = ipaddress.ip_network(host, strict=False)
    except ValueError:
        pass
    else:
        return NoProxyEntry(text, network=network, port=port)
    domain = host.removeprefix("*").removeprefix(".").rstrip(".")
    if not domain or "/" in domain or "*" in domain:
        return None
    return NoProxyEntry(text, domain=domain, port=port)


def _split_port(body: str) -> tuple[str, int | None]:
    """``host:port`` into its parts; port -1 when it is not a number. Bare IPv6 has no port."""
    if body.startswith("["):
        host, _, rest = body.partition("]")
        if rest.startswith(":"):
            return f"{host}]", _port(rest[1:])
        return f"{host}]", None
    if body.count(":") == 1:
        host, _, port = body.partition(":")
        return host, _port(port)
    return body, None


def _port(text: str) -> int:
    return int(text) if text.isdigit() and 0 < int(text) < 65536 else -1


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.removeprefix("[").removesuffix("]"))
    except ValueError:
        return None
