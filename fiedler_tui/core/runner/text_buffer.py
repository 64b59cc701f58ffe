"""A streamed answer held compactly: deltas are joined in small batches as they come, so a long
answer is a few thousand strings rather than one per token, and the whole text is joined once.

A provider sends a token or so per event; 800,000 deltas held one string each cost several times
their characters (every str has its own header). A batch stays under the size Python's own
small-object allocator serves (512 bytes): larger strings come from the C heap, where thousands
of them held among the network's short-lived buffers keep the heap from shrinking.
"""

from __future__ import annotations

BATCH_CHARS = 400
"""Deltas are joined together once they hold this many characters."""


class TextBuffer:
    """Text that grows at the end; :meth:`text` returns one str, the same object until more is
    appended (readers share it instead of joining copies of their own)."""

    __slots__ = ("_chunks", "_length", "_recent", "_recent_chars")

    def __init__(self) -> None:
        self._chunks: list[str] = []
        self._recent: list[str] = []
        self._recent_chars = 0
        self._length = 0

    def __len__(self) -> int:
        """Characters held."""
        return self._length

    def append(self, text: str) -> None:
        if not text:
            return
        self._length += len(text)
        if len(text) >= BATCH_CHARS:  # a large delta is a batch of its own
            self._flush()
            self._chunks.append(text)
            return
        self._recent.append(text)
        self._recent_chars += len(text)
        if self._recent_chars >= BATCH_CHARS:
            self._flush()

    def _flush(self) -> None:
        if self._recent:
            self._chunks.append("".join(self._recent))
            self._recent.clear()
            self._recent_chars = 0

    def text(self) -> str:
        """Everything so far, joined once and kept joined."""
        self._flush()
        if len(self._chunks) > 1:
            self._chunks[:] = ["".join(self._chunks)]
        return self._chunks[0] if self._chunks else ""

    def adopt(self, text: str) -> bool:
        """Hold ``text`` (an equal str held elsewhere) instead of this buffer's own copy, so
        both holders share one object. False, keeping the buffer, when it is not equal."""
        if len(text) != self._length or self.text() != text:
            return False
        self._chunks[:] = [text] if text else []
        return True
