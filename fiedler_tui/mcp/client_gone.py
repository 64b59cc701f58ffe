"""Over HTTP, a client that drops the connection of a call in flight cancels it.

The SDK keeps serving a request whose HTTP connection is gone (the client might come back for
the events), so a dropped ``fiedler_send`` would run to its end. :class:`WatchDisconnect` gives
each HTTP request an event, set when the server reads ``http.disconnect`` for it, and passes it
to the tool in a context variable (the SDK carries the sender's context to the handler);
``fiedler_send`` cancels its run when the event is set. Over stdio the transport itself ends
the calls when the client goes.
"""

from __future__ import annotations

import asyncio
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CLIENT_GONE: ContextVar[asyncio.Event | None] = ContextVar("fiedler_mcp_client_gone", default=None)


class WatchDisconnect:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        gone = asyncio.Event()
        token = CLIENT_GONE.set(gone)

        async def watched() -> Message:
            message = await receive()
            if message["type"] == "http.disconnect":
                gone.set()
            return message

        try:
            await self.app(scope, watched, send)
        finally:
            CLIENT_GONE.reset(token)
