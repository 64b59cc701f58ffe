"""Who may reach the served app: the holder of its token, from its own origin.

textual-serve itself checks nothing, and whoever drives the app can send the user's files with the
user's keys. So every page and the websocket need the token: the address printed at start carries
it once as ``?token=``, which is swapped for an HttpOnly, SameSite=Strict cookie and a redirect (the
token leaves the address bar and the history). The websocket must also come from the page's own
origin (another site open in the same browser cannot drive the app), and the Host header must
name this server (a DNS-rebinding page cannot either). The static files (fonts, script, style)
are public.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

COOKIE = "fiedler_serve"

_DENIED = (
    "This is fiedler's app, served by `fiedler serve`. Open the address it printed at start "
    "(it carries the token), or set FIEDLER_SERVE_TOKEN and add ?token=... to this address."
)


def loopback_hosts(port: int) -> frozenset[str]:
    """The Host header values naming a server bound to loopback on ``port``."""
    return frozenset(f"{name}:{port}" for name in ("127.0.0.1", "localhost", "[::1]"))


def access_guard(token: str, hosts: frozenset[str] | None) -> Middleware:
    """aiohttp middleware enforcing the rules in this module's docstring; ``hosts`` None (a
    bind to another interface, reached by names this server cannot know) accepts any Host."""
    expected = token.encode()

    def holds_token(given: str | None) -> bool:
        return given is not None and hmac.compare_digest(given.encode(), expected)

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        if hosts is not None and request.host not in hosts:
            return web.Response(status=421, text="fiedler serve: unknown host")
        if request.path.startswith("/static/"):
            return await handler(request)
        offered = request.query.get("token")
        if offered is not None:
            if not holds_token(offered):
                return web.Response(status=401, text=_DENIED)
            # one leading slash: "//host" would send the browser to another site
            found = web.HTTPSeeOther(location="/" + request.path.lstrip("/"))
            found.set_cookie(COOKIE, token, httponly=True, samesite="Strict", path="/")
            return found
        if not holds_token(request.cookies.get(COOKIE)):
            return web.Response(status=401, text=_DENIED)
        if request.path == "/ws" and not _same_origin(request.headers.get("Origin"), request.host):
            return web.Response(status=403, text="fiedler serve: cross-origin websocket refused")
        return await handler(request)

    return guard


def _same_origin(origin: str | None, host: str) -> bool:
    """A browser sends the page's origin with every websocket; it must be this server's."""
    if not origin:
        return False
    parts = urlsplit(origin)
    return parts.scheme in {"http", "https"} and parts.netloc == host
