"""Counting the tokens of one text: tiktoken (exact for its own models) or a labelled heuristic."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

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
    """tiktoken with no special tokens: special-token text counts as ordinary text, as the APIs
    see it (the same ids as ``encode_ordinary``).

    Counting goes through tiktoken's buffer encoder when it has one (what ``encode_to_numpy``
    uses): the ids stay in one native buffer instead of a list of Python ints, which saves about
    a sixth of the CPU time. Without it, ``encode_ordinary`` is used.
    """

    encoding: str
    tiktoken_encoding: tiktoken.Encoding
    exact: bool = True
    _buffer_encode: Callable[[str, frozenset[str]], Any] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        core = getattr(self.tiktoken_encoding, "_core_bpe", None)
        encode = getattr(core, "encode_to_tiktoken_buffer", None)
        object.__setattr__(self, "_buffer_encode", encode if callable(encode) else None)

    def count(self, text: str) -> int:
        if self._buffer_encode is not None:
            ids = memoryview(self._buffer_encode(text, _NO_SPECIAL_TOKENS))
            return ids.nbytes // ids.itemsize
        return len(self.tiktoken_encoding.encode_ordinary(text))


@dataclass(frozen=True)
class HeuristicTokenizer:
    """ceil(characters / 4): the stand-in when an encoding's file is not available offline."""

    encoding: str
    exact: bool = False

    def count(self, text: str) -> int:
        return -(-len(text) // HEURISTIC_CHARS_PER_TOKEN)


_NO_SPECIAL_TOKENS: frozenset[str] = frozenset()
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
