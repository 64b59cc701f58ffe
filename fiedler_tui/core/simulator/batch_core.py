"""The state the simulated batch APIs share: batches, uploaded files, what was received.

Each batch answers every request from the model's script (its reply; usage from the simulator's
token stand-in) once it ends. :class:`BatchBehaviour` scripts the rest: how many status reads a
batch stays in progress (``polls_to_end``), which custom ids fail on their own
(``failing_ids``: the dialect's 400), and a batch that expires with only its first
``expire_after`` requests done. ``received`` counts every request handed in, by custom id, so
tests can prove none was sent twice.
"""

from __future__ import annotations

import itertools
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fiedler_tui.core.simulator.http11 import HttpRequest
from fiedler_tui.core.simulator.script import ModelScript, count_tokens
from fiedler_tui.core.simulator.wire_anthropic import AnthropicDialect
from fiedler_tui.core.simulator.wire_gemini import GeminiDialect
from fiedler_tui.core.simulator.wire_openai import OpenAIDialect

Answer = tuple[int, Any]
"""A status and a JSON payload (bytes: a JSONL body)."""
_DIALECTS = {"openai": OpenAIDialect(), "anthropic": AnthropicDialect(), "gemini": GeminiDialect()}


@dataclass
class BatchBehaviour:
    """How the simulated batch engines behave (change it between steps of a test)."""

    polls_to_end: int = 0
    """Status reads a batch answers as in progress before it ends."""
    failing_ids: frozenset[str] = frozenset()
    """Custom ids whose request fails on its own (the dialect's 400)."""
    expire_after: int | None = None
    """When set, a batch expires once it has done this many of its requests."""


@dataclass
class SimBatch:
    """One simulated batch, of any dialect."""

    dialect: str
    id: str
    model: str
    requests: list[tuple[str, Any]]
    """(custom id, request body) in the order given."""
    created: float
    metadata: dict[str, Any] = field(default_factory=dict)
    polls: int = 0
    state: str = "in_progress"
    """in_progress, ended, cancelled, expired."""
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Custom id -> outcome (``text``/``input``/``output``, or ``error``) once ended."""
    extra: dict[str, Any] = field(default_factory=dict)


def iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat().replace("+00:00", "Z")


def multipart_file(request: HttpRequest) -> tuple[bytes, dict[str, str]] | None:
    """The ``file`` part and the other fields of a multipart/form-data body."""
    match = re.search(r"boundary=\"?([^\";]+)\"?", request.headers.get("content-type", ""))
    if match is None:
        return None
    boundary = b"--" + match.group(1).encode()
    content: bytes | None = None
    fields: dict[str, str] = {}
    for chunk in request.body.split(boundary):
        head, sep, data = chunk.partition(b"\r\n\r\n")
        if not sep:
            continue
        data = data.removesuffix(b"\r\n")
        name = re.search(rb'name="([^"]+)"', head)
        if name is None:
            continue
        if name.group(1) == b"file":
            content = data
        else:
            fields[name.group(1).decode()] = data.decode("utf-8", "replace")
    return None if content is None else (content, fields)


class BatchCore:
    """Batches and files of every dialect, and the behaviour they follow."""

    def __init__(self, script_for: Callable[[str], ModelScript | None]) -> None:
        self.behaviour = BatchBehaviour()
        self.received: Counter[str] = Counter()
        """Requests handed in inside batches, by custom id."""
        self.creates: Counter[str] = Counter()
        """Batches created, by dialect."""
        self.files: dict[str, bytes] = {}
        self.by_id: dict[str, SimBatch] = {}
        self.deleted: list[str] = []
        """File and batch ids deleted, in order."""
        self.ids = itertools.count(1)
        self._script_for = script_for

    def reset(self) -> None:
        self.received.clear()
        self.creates.clear()
        self.files.clear()
        self.by_id.clear()
        self.deleted.clear()

    def delete_batch(self, batch_id: str) -> bool:
        """Forget an ended batch; False when there is none (or it still runs)."""
        batch = self.by_id.get(batch_id)
        if batch is None or batch.state == "in_progress":
            return False
        del self.by_id[batch_id]
        self.deleted.append(batch_id)
        return True

    def of(self, dialect: str) -> list[SimBatch]:
        """The dialect's batches, newest first."""
        return sorted(
            (b for b in self.by_id.values() if b.dialect == dialect),
            key=lambda b: b.created,
            reverse=True,
        )

    def new(
        self, dialect: str, prefix: str, model: str, requests: list[tuple[str, Any]]
    ) -> SimBatch:
        batch = SimBatch(dialect, f"{prefix}{next(self.ids):06d}", model, requests, time.time())
        for custom_id, _ in requests:
            self.received[custom_id] += 1
        self.creates[dialect] += 1
        self.by_id[batch.id] = batch
        return batch

    def poll(self, batch: SimBatch) -> None:
        """A status read: the batch ends after ``polls_to_end`` of them."""
        if batch.state != "in_progress":
            return
        batch.polls += 1
        if batch.polls > self.behaviour.polls_to_end:
            self._finish(batch)

    def _finish(self, batch: SimBatch) -> None:
        limit = self.behaviour.expire_after
        ran, state = batch.requests, "ended"
        if limit is not None and limit < len(batch.requests):
            ran, state = batch.requests[:limit], "expired"
        dialect = _DIALECTS[batch.dialect]
        for custom_id, body in ran:
            if custom_id in self.behaviour.failing_ids:
                batch.results[custom_id] = {"error": True}
                continue
            script = self._script_for(batch.model) or ModelScript()
            batch.results[custom_id] = {
                "text": script.reply,
                "input": count_tokens(dialect.prompt_text(body)),
                "output": len(script.tokens()),
            }
        batch.state = state

    def cancel(self, batch: SimBatch) -> None:
        if batch.state == "in_progress":
            batch.state = "cancelled"
