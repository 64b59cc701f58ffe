"""A small Server-Sent Events decoder that follows the WHATWG event-stream rules.

Bytes are decoded incrementally as UTF-8; ``\\r\\n``, ``\\r`` and ``\\n`` all end a line; a blank
line dispatches the event; lines starting with ``:`` are comments; ``data`` lines are joined with
``\\n``; unknown fields are ignored. An event left incomplete at end of stream is discarded, as
the spec says, and :attr:`SSEDecoder.pending` tells the caller that happened.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ServerSentEvent:
    """One dispatched event; ``event`` is empty when the stream named none."""

    data: str
    event: str = ""
    id: str = ""
    retry: int | None = None


class SSEDecoder:
    """Incremental decoder: feed bytes, get complete events."""

    def __init__(self) -> None:
        self._text = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._buffer = ""
        self._event = ""
        self._data: list[str] = []
        self._id = ""
        self._retry: int | None = None
        self._dirty = False

    @property
    def pending(self) -> bool:
        """True when bytes or fields of an undispatched event remain."""
        return self._dirty or bool(self._buffer.strip())

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Decode ``chunk`` and return the events it completed."""
        text = self._buffer + self._text.decode(chunk)
        if "\r" in text:
            # A trailing CR may be the first half of a CRLF split across chunks: keep it back.
            held = text.endswith("\r")
            text = text[:-1] if held else text
            text = text.replace("\r\n", "\n").replace("\r", "\n") + ("\r" if held else "")
        lines = text.split("\n")
        self._buffer = lines.pop()
        events: list[ServerSentEvent] = []
        for line in lines:
            event = self._line(line)
            if event is not None:
                events.append(event)
        return events

    def _line(self, line: str) -> ServerSentEvent | None:
        if not line:
            if not self._dirty:
                return None
            event = ServerSentEvent(
                data="\n".join(self._data), event=self._event, id=self._id, retry=self._retry
            )
            self._event, self._data, self._retry, self._dirty = "", [], None, False
            return event
        if line.startswith("data: "):
            self._data.append(line[6:])
            self._dirty = True
            return None
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            if "\0" not in value:
                self._id = value
        elif name == "retry":
            if value.isdigit():
                self._retry = int(value)
        else:
            return None
        self._dirty = True
        return None
