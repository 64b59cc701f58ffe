"""Proxy URLs: parsed and checked once, shown only with the password masked.

A proxy is ``http://`` (plain, the usual corporate proxy) or ``https://`` (TLS to the proxy);
either carries ``https`` requests through a ``CONNECT`` tunnel. Credentials in the URL
(``http://user:password@host:port``) are sent as ``Proxy-Authorization: Basic``; the password
is never shown: :attr:`ProxyURL.shown` masks it, and :func:`mask_credentials` masks any URL in a
text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
DIRECT = "direct"
"""The value of ``proxy:`` in models.yaml that means: no proxy, whatever the environment says."""
MASK = "***"
_CREDENTIALS = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<user>[^:@/\s]*):[^@/\s]*@")


@dataclass(frozen=True)
class ProxyURL:
    """A usable proxy: scheme, host and port, and the credentials if any."""

    scheme: str
    host: str
    port: int
    username: str = ""
    password: str = field(default="", repr=False)

    @property
    def shown(self) -> str:
        """The URL to print: the password (if any) masked."""
        credentials = ""
        if self.username or self.password:
            credentials = f"{self.username}:{MASK}@" if self.password else f"{self.username}@"
        return f"{self.scheme}://{credentials}{self._netloc}"

    @property
    def address(self) -> str:
        """``scheme://host:port``, without credentials."""
        return f"{self.scheme}://{self._netloc}"

    @property
    def _netloc(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


def parse_proxy_url(text: str, *, assume_http: bool = False) -> ProxyURL:
    """Parse a proxy URL; ValueError says what is wrong (with the password masked).

    ``assume_http``: a value without a scheme (``proxy.corp:3128``, common in environment
    variables) means ``http://``, as curl and httpx read it.
    """
    value = text.strip()
    if assume_http and "://" not in value:
        value = f"http://{value}"
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise ValueError(f"{mask_credentials(value)!r} is not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme.startswith("socks"):
        raise ValueError(
            f"SOCKS proxies are not supported ({mask_credentials(value)!r}); "
            "use an http:// or https:// proxy"
        )
    if scheme not in SCHEMES:
        raise ValueError(f"must be an http:// or https:// URL; got {mask_credentials(value)!r}")
    if not parts.hostname:
        raise ValueError(f"has no host: {mask_credentials(value)!r}")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(
            f"must be scheme://[user:password@]host[:port] only; got {mask_credentials(value)!r}"
        )
    return ProxyURL(
        scheme=scheme,
        host=parts.hostname,
        port=port if port is not None else DEFAULT_PORTS[scheme],
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )


def mask_credentials(text: str) -> str:
    """``text`` with the password of every ``scheme://user:password@`` in it masked."""
    return _CREDENTIALS.sub(lambda m: f"{m['scheme']}{m['user']}:{MASK}@", text)
