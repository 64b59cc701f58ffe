"""SSL contexts, built once per distinct CA setting and file version (building one takes ~20 ms).

The system's store is httpx's own default context (the platform's verify paths on Linux, the OS
trust store on macOS and Windows), built without reading ``SSL_CERT_*``: those are applied, or
ignored, by the route's :class:`~fiedler_tui.core.network.route.CAChoice`. Every context
verifies certificates and host names, TLS 1.2 or newer.
"""

from __future__ import annotations

import ssl
import threading
from pathlib import Path

from fiedler_tui.core.network.certificates import CAError, ca_dir_problem, ca_file_problem
from fiedler_tui.core.network.route import CAChoice

_Version = tuple[Path | None, Path | None, int, int]
_cache: dict[_Version, ssl.SSLContext] = {}
_lock = threading.Lock()


def cached_context(ca: CAChoice) -> ssl.SSLContext | None:
    """The context for ``ca`` if one was built for its files as they are now (no waiting)."""
    try:
        return _cache.get(_version(ca))
    except OSError:
        return None


def context_for(ca: CAChoice) -> ssl.SSLContext:
    """The context for ``ca``, built if needed (blocking: call it off the event loop).

    Raises CAError naming the file or folder and where it was set when it cannot be used.
    """
    with _lock:
        context = cached_context(ca)
        if context is None:
            problem = _problem(ca)
            if problem is not None:
                raise CAError(f"CA certificates from {ca.source}: {problem}")
            try:
                version = _version(ca)
            except OSError as exc:  # removed since the check
                raise CAError(f"CA certificates from {ca.source}: {exc}") from exc
            context = _cache[version] = _build(ca)
    return context


def _problem(ca: CAChoice) -> str | None:
    if ca.cafile is not None and (problem := ca_file_problem(ca.cafile)):
        return problem
    if ca.capath is not None and (problem := ca_dir_problem(ca.capath)):
        return problem
    return None


def _build(ca: CAChoice) -> ssl.SSLContext:
    if ca.is_system:
        from fiedler_tui.core.http import httpx  # (core.http imports this module)

        return httpx.create_ssl_context(trust_env=False)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies certificates and host names
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_verify_locations(
            cafile=str(ca.cafile) if ca.cafile else None,
            capath=str(ca.capath) if ca.capath else None,
        )
    except (OSError, ssl.SSLError) as exc:
        raise CAError(f"CA certificates from {ca.source}: {exc}") from exc
    return context


def _version(ca: CAChoice) -> _Version:
    """The setting and its files' change times: an edited bundle is read again."""
    file_time = ca.cafile.stat().st_mtime_ns if ca.cafile is not None else 0
    dir_time = ca.capath.stat().st_mtime_ns if ca.capath is not None else 0
    return (ca.cafile, ca.capath, file_time, dir_time)
