"""The three batch APIs, simulated: OpenAI (files + ``/v1/batches``), Anthropic
(``/v1/messages/batches``) and Gemini batch mode (``:batchGenerateContent`` with inline
requests, ``/v1beta/batches``); each dialect in its own module, their shared state in
``batch_core`` (see there for what :class:`BatchBehaviour` scripts).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from fiedler_tui.core.simulator.batch_anthropic import AnthropicBatchAPI
from fiedler_tui.core.simulator.batch_core import BatchBehaviour, BatchCore, SimBatch
from fiedler_tui.core.simulator.batch_gemini import GeminiBatchAPI
from fiedler_tui.core.simulator.batch_openai import OpenAIBatchAPI
from fiedler_tui.core.simulator.http11 import HttpRequest, Responder
from fiedler_tui.core.simulator.script import ModelScript


class BatchService:
    """The batch endpoints of one simulator."""

    def __init__(self, script_for: Callable[[str], ModelScript | None]) -> None:
        self.core = BatchCore(script_for)
        self.credentials: set[str] = set()
        """The key headers' values the batch endpoints were called with."""
        self._apis = (
            OpenAIBatchAPI(self.core),
            AnthropicBatchAPI(self.core),
            GeminiBatchAPI(self.core),
        )

    @property
    def behaviour(self) -> BatchBehaviour:
        return self.core.behaviour

    @property
    def received(self) -> Counter[str]:
        """Requests handed in inside batches, by custom id."""
        return self.core.received

    @property
    def creates(self) -> Counter[str]:
        """Batches created, by dialect."""
        return self.core.creates

    @property
    def batches(self) -> list[SimBatch]:
        return list(self.core.by_id.values())

    def reset(self) -> None:
        self.core.reset()
        self.credentials.clear()

    async def handle(self, request: HttpRequest, responder: Responder) -> bool:
        """Answer ``request`` when it is a batch endpoint; False otherwise."""
        for api in self._apis:
            route = api.route(request)
            if route is not None:
                break
        else:
            return False
        for header in ("authorization", "x-api-key", "x-goog-api-key"):
            if header in request.headers:
                self.credentials.add(request.headers[header])
        status, payload = route()
        if isinstance(payload, bytes):
            await responder.send(status, payload, content_type="application/jsonl")
        else:
            await responder.send_json(status, payload)
        return True
