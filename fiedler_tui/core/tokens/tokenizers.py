"""Counting the tokens of one text: tiktoken (exact for its own models) or a labelled heuristic."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Protocol

import tiktoken

from fiedler_tui.core.settings import Settings
from fiedler_tui.core.tokens.encodings import EncodingStatus, encoding_status, load_encoding

log = logging.getLogger(__name__)

HEURISTIC_CHARS_PER_TOKEN = 4
HEURISTIC_BAND = (0.5, 1.5)
"""Range of (true count / heuristic count) for tiktoken encodings on code and English prose;
prose sits near 1, dense code and non-Latin scripts above it."""


class Tokenizer(Protocol):
    """Counts tokens of one encoding; ``exact`` is False for the heuristic stand-in."""

    @property
    def encoding(self) -> str: ...

    @property
    def exact(self) -> bool: ...

    def count(self, text: str) -> int: ...


@dataclass(frozen=True)
class TiktokenTokenizer:
    """tiktoken ``encode_ordinary``: special-token text counts as ordinary text, as APIs see it."""

    encoding: str
    tiktoken_encoding: tiktoken.Encoding
    exact: bool = True

    def count(self, text: str) -> int:
        return len(self.tiktoken_encoding.encode_ordinary(text))


@dataclass(frozen=True)
class HeuristicTokenizer:
    """ceil(characters / 4): the stand-in when an encoding's file is not available offline."""

    encoding: str
    exact: bool = False

    def count(self, text: str) -> int:
        return -(-len(text) // HEURISTIC_CHARS_PER_TOKEN)


_NOTICED: set[str] = set()
_NOTICE_LOCK = threading.Lock()


def unavailable_notice(status: EncodingStatus) -> str:
    return (
        f"tokenizer {status.name} is not available offline ({status.detail}); "
        f"counts using it are estimates (characters / {HEURISTIC_CHARS_PER_TOKEN})"
    )


def tokenizer_for(encoding: str, settings: Settings) -> tuple[Tokenizer, str | None]:
    """The tokenizer for ``encoding`` and, when it had to fall back, the notice to show.

    The fallback is logged once per process; the notice is returned every time so each result
    can carry it.
    """
    loaded = load_encoding(encoding, settings)
    if loaded is not None:
        return TiktokenTokenizer(encoding, loaded.encoding), None
    notice = unavailable_notice(encoding_status(encoding, settings))
    with _NOTICE_LOCK:
        first = encoding not in _NOTICED
        _NOTICED.add(encoding)
    if first:
        log.warning("%s", notice)
    return HeuristicTokenizer(encoding), notice
