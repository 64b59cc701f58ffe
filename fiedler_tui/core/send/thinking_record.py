"""Each model's reasoning text, saved beside its answer as ``<stem>.thinking.md``.

The file is opened when the first reasoning text arrives (a model that streams none gets no
file) and written like the answer: owner-only, each delta as it comes (so a crash keeps what
arrived), renamed from ``.partial`` when the model ends. The whole text is held in memory too;
a failed write is tried once more with it when the model ends.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from fiedler_tui.core.runner.text_buffer import TextBuffer
from fiedler_tui.core.store.run_store import ModelOutput, RunRecord
from fiedler_tui.core.store.save_problems import os_error_text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SavedThinking:
    """What a model's reasoning left: its file (None when nothing is on disk) and its size."""

    file_name: str | None
    chars: int
    error: str | None = None


class ThinkingRecord:
    """The reasoning text of every model of one run."""

    def __init__(self, record: RunRecord) -> None:
        self._record = record
        self._texts: dict[str, TextBuffer] = {}
        self._outputs: dict[str, ModelOutput] = {}
        self._failed: set[str] = set()
        self._saved: dict[str, SavedThinking] = {}

    def text(self, alias: str) -> str:
        held = self._texts.get(alias)
        return held.text() if held is not None else ""

    def append(self, alias: str, text: str) -> None:
        held = self._texts.get(alias)
        if held is None:
            held = self._texts[alias] = TextBuffer()
            try:
                self._outputs[alias] = self._record.thinking_output(alias)
            except (OSError, KeyError) as exc:  # KeyError: the answer's file was never opened
                self._fail(alias, exc)
        held.append(text)
        output = self._outputs.get(alias)
        if output is None or alias in self._failed:
            return
        try:
            output.append(text)
        except OSError as exc:
            self._fail(alias, exc)

    def close(self, alias: str) -> SavedThinking | None:
        """Complete and close the model's file (once: later calls return the same result);
        None when it streamed no reasoning."""
        if alias in self._saved:
            return self._saved[alias]
        held = self._texts.get(alias)
        if held is None:
            return None
        saved = self._close(alias, held.text())
        self._saved[alias] = saved
        return saved

    def _close(self, alias: str, text: str) -> SavedThinking:
        output = self._outputs.pop(alias, None)
        if output is None:
            return SavedThinking(None, len(text), "the reasoning file could not be opened")
        try:
            output.close(text if alias in self._failed else None)
        except OSError as exc:
            self._fail(alias, exc)
            return SavedThinking(None, len(text), os_error_text(exc))
        path, _size = output.on_disk()
        return SavedThinking(path.name if path is not None else None, len(text))

    def _fail(self, alias: str, exc: Exception) -> None:
        if alias not in self._failed:
            detail = os_error_text(exc) if isinstance(exc, OSError) else "no answer file"
            log.error("cannot write the reasoning of %s: %s", alias, detail)
        self._failed.add(alias)
