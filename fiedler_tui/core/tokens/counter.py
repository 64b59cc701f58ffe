"""Parallel, cached token counting: the object the preview reuses on every toggle.

tiktoken releases the GIL while encoding, so counts run in a thread pool off the calling thread.
Counts are cached by the caller's key, e.g. ``(path, size, mtime_ns, sha256, ...)`` plus the
encoding, so a re-preview after toggling one file only counts that file.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Hashable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from fiedler_tui.core.settings import Settings
from fiedler_tui.core.tokens.count_store import CountStore
from fiedler_tui.core.tokens.tokenizers import Tokenizer, tokenizer_for

T = TypeVar("T")
R = TypeVar("R")

BATCH_CHARS = 256_000
"""Small items are grouped into tasks of about this many characters (less pool overhead)."""
DEFAULT_MAX_ENTRIES = 500_000


def default_workers() -> int:
    """One worker more than the cores. A fresh process's tiktoken encoder is slow on exactly
    as many threads as cores (on 2 cores, 37 MB counted on 2 new threads took 2.0 s against
    1.65 s on one or on three), and a worker holding the GIL for a secret scan leaves a core
    to the others; a cold dry run of the stdlib took 2.60 s with 3 workers, 2.96 s with 2."""
    return (os.cpu_count() or 2) + 1


class TokenCounter:
    """Token counts per encoding, computed in a thread pool and cached by key. Thread-safe.

    Use one per session and ``close()`` it (or use it as a context manager).
    """

    def __init__(
        self,
        settings: Settings,
        max_workers: int | None = None,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        store: CountStore | None = None,
    ) -> None:
        """``store``: exact counts kept between processes (see ``count_store``); none by
        default."""
        self.settings = settings
        self.store = store
        self.max_entries = max_entries
        self._pool = ThreadPoolExecutor(
            max_workers=max_workers or default_workers(), thread_name_prefix="fiedler-tokens"
        )
        self._cache: dict[tuple[str, Hashable], int] = {}
        self._lock = threading.Lock()
        self._tokenizers: dict[str, tuple[Tokenizer, str | None]] = {}
        self._loading: dict[str, threading.Lock] = {}
        self.hits = 0
        self.misses = 0
        self.stored_hits = 0
        """Counts not in memory but found in the store (not counted again)."""

    def __enter__(self) -> TokenCounter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def preload(self, encodings: Iterable[str]) -> None:
        """Start loading the tokenizers of ``encodings`` in the pool and return at once: reading,
        verifying and parsing an encoding takes a few hundred milliseconds, which can overlap
        other work (reading the files). :meth:`tokenizer` waits for a load under way."""
        for encoding in set(encodings):
            with self._lock:
                if encoding in self._tokenizers:
                    continue
            self._pool.submit(self._tokenizer_and_notice, encoding)

    def tokenizer(self, encoding: str) -> Tokenizer:
        """The tokenizer for ``encoding`` (tiktoken when verified offline, else the heuristic)."""
        return self._tokenizer_and_notice(encoding)[0]

    def notice(self, encoding: str) -> str | None:
        """Why ``encoding`` counts are estimates, or None when they are exact."""
        return self._tokenizer_and_notice(encoding)[1]

    def _tokenizer_and_notice(self, encoding: str) -> tuple[Tokenizer, str | None]:
        with self._lock:
            found = self._tokenizers.get(encoding)
            loading = self._loading.setdefault(encoding, threading.Lock())
        if found is not None:
            return found
        with loading:  # one load per encoding; a second caller waits for it
            with self._lock:
                found = self._tokenizers.get(encoding)
            if found is None:
                found = tokenizer_for(encoding, self.settings)
                with self._lock:
                    self._tokenizers[encoding] = found
        return found

    def cached(self, encoding: str, key: Hashable) -> int | None:
        with self._lock:
            value = self._cache.get((encoding, key))
            if value is not None:
                self.hits += 1
            return value

    def count(
        self,
        encoding: str,
        text: str,
        key: Hashable | None = None,
        identity: str | None = None,
    ) -> int:
        """Tokens of ``text`` (cached under ``key`` when given; kept in the store under
        ``identity`` when given and the count is exact). Runs in the calling thread."""
        if key is not None:
            value = self.cached(encoding, key)
            if value is not None:
                return value
        tokenizer = self.tokenizer(encoding)
        store = self.store if tokenizer.exact else None  # an estimate is cheap: never kept
        found = None
        if store is not None and identity is not None:
            found = store.get(encoding, identity)
        if found is not None:
            value = found
            with self._lock:
                self.stored_hits += 1
        else:
            value = tokenizer.count(text)
            if store is not None and identity is not None:
                store.put(encoding, identity, value)
        if key is not None:
            with self._lock:
                self.misses += 1
                if len(self._cache) >= self.max_entries:
                    for old in list(self._cache)[: self.max_entries // 4]:
                        del self._cache[old]
                self._cache[(encoding, key)] = value
        return value

    def count_many(self, encoding: str, items: Sequence[tuple[Hashable | None, str]]) -> list[int]:
        """Counts of many ``(key, text)`` items, in parallel, in order."""
        return self.map(
            lambda item: self.count(encoding, item[1], item[0]), items, lambda item: len(item[1])
        )

    def submit(self, function: Callable[[], R]) -> Future[R]:
        """``function`` on the pool (e.g. a batch of counts started before all texts are read)."""
        return self._pool.submit(function)

    def map(
        self, function: Callable[[T], R], items: Sequence[T], weight: Callable[[T], int]
    ) -> list[R]:
        """``function`` over ``items`` in the pool, small items batched by ``weight``; in order."""
        batches: list[list[T]] = []
        current: list[T] = []
        size = 0
        for item in items:
            current.append(item)
            size += weight(item)
            if size >= BATCH_CHARS:
                batches.append(current)
                current, size = [], 0
        if current:
            batches.append(current)
        if len(batches) <= 1:
            return [function(item) for item in items]
        futures: list[Future[list[R]]] = [
            self._pool.submit(lambda batch: [function(item) for item in batch], batch)
            for batch in batches
        ]
        results: list[R] = []
        for future in futures:
            results.extend(future.result())
        return results

    def save(self) -> None:
        """Write the counts new to the store (nothing without one)."""
        if self.store is not None:
            self.store.save()

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
