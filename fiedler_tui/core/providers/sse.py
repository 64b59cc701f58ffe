"""A small Server-Sent Events decoder that follows the WHATWG event-stream rules.

Bytes are decoded incrementally as UTF-8; ``\\r\\n``, ``\\r`` and ``\\n`` all end a line; a blank
line dispatches the event; lines starting with ``:`` are comments; ``data`` lines are joined with
``\\n``; unknown fields are ignored. An event left incomplete at end of stream is discarded, as
the spec says, and :attr:`SSEDecoder.pending` tells the caller that happened.

This runs once per streamed token, so the common lines (``data: …`` and the blank line that ends
an event) are handled inline in :meth:`SSEDecoder.feed`; every other line takes the general path.
"""

from __future__ import annotations

import codecs
from typing import NamedTuple


class ServerSentEvent(NamedTuple):
    """One dispatched event; ``event`` is empty when the stream named none.

    A named tuple rather than a frozen dataclass: just as immutable, and about three times
    cheaper to build (one per streamed token).
    """

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
        text = self._text.decode(chunk)
        if self._buffer:
            text = self._buffer + text
        if "\r" in text:
            # A trailing CR may be the first half of a CRLF split across chunks: keep it back.
            held = text.endswith("\r")
            text = text[:-1] if held else text
            text = text.replace("\r\n", "\n").replace("\r", "\n") + ("\r" if held else "")
        lines = text.split("\n")
        self._buffer = lines.pop()
        events: list[ServerSentEvent] = []
        data = self._data
        dirty = self._dirty
        for line in lines:
            if not line:
                if dirty:
                    events.append(
                        ServerSentEvent(
                            data[0] if len(data) == 1 else "\n".join(data),
                            self._event,
                            self._id,
                            self._retry,
                        )
                    )
                    data = self._data = []
                    self._event, self._retry = "", None
                    dirty = False
            elif line.startswith("data: "):
                data.append(line[6:])
                dirty = True
            elif self._field(line):
                dirty = True
        self._dirty = dirty
        return events

    def _field(self, line: str) -> bool:
        """Apply a non-blank line other than ``data: …``; True when it set a field."""
        if line.startswith(":"):
            return False
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
            return False
        return True
