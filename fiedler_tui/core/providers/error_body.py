"""Reading the body of an error response, up to a limit.

A server's error body only ever feeds a one-line message, yet reading it whole let a misbehaving
server or proxy (or a hostile one) make the app hold, and wait for, as much as it cared to send.
"""

from __future__ import annotations

from dataclasses import dataclass

from fiedler_tui.core.http import httpx

MAX_ERROR_BODY_BYTES = 64 * 1024
"""Most bytes of an error response's body that are read.

Providers' error bodies are small JSON objects (a message, a type, a code; Gemini's, with quota
violations and help links, a few KB at most), so 64 KiB keeps every real one whole, while a
server that sends megabytes costs at most this much memory and reading time. The message shown
is clipped far shorter anyway (``errors.MAX_MESSAGE_CHARS``).
"""

TRUNCATED_NOTE = f"(error body truncated at {MAX_ERROR_BODY_BYTES // 1024} KiB)"
"""Appended to an error message whose body was longer than the limit."""


@dataclass(frozen=True, slots=True)
class ErrorBodyRead:
    """The start of an error body, and whether there was more."""

    body: bytes
    truncated: bool


async def read_error_body(
    response: httpx.Response, limit: int = MAX_ERROR_BODY_BYTES
) -> ErrorBodyRead:
    """At most ``limit`` bytes of ``response``'s (decoded) body, then the response is closed.

    Reading stops as soon as more than ``limit`` bytes arrived, so at most one network read
    beyond the limit is held; a response left unread is closed with its connection (never put
    back in the pool with data pending).
    """
    chunks: list[bytes] = []
    size = 0
    truncated = False
    try:
        async for chunk in response.aiter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                truncated = True
                break
    finally:
        await response.aclose()
    body = b"".join(chunks)
    return ErrorBodyRead(body[:limit], truncated)
