"""The rate limits learned from response headers, kept per provider and per key.

Stored in ``rate-limits.json`` in the user state folder (``~/.local/state/fiedler`` on Linux),
owner-only and replaced atomically. A key is named by a short fingerprint (a salted SHA-256
prefix), never by the key itself: two keys of one provider may sit on different tiers.

::

    {"version": 1, "providers": {"openai": {"3f9a0c1b2d4e": {"requests_per_minute": 500,
     "tokens_per_minute": 30000, "remaining_tokens": 29000, "seen_at": 1796000000.0}}}}
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fiedler_tui.core.locations import user_state_dir
from fiedler_tui.core.ratelimits.headers import ObservedLimits
from fiedler_tui.core.store.private_files import atomic_write_json, make_private_dir

log = logging.getLogger(__name__)

FILE_NAME = "rate-limits.json"
NO_KEY = "no-key"
"""The fingerprint of a provider used without a key (a local server)."""
REFRESH_S = 60.0
"""Unchanged limits are written again at most this often (to keep their age current)."""
MAX_FILE_BYTES = 1_000_000


def learned_limits_path() -> Path:
    return user_state_dir() / FILE_NAME


def key_fingerprint(key: str | None) -> str:
    """12 hex digits naming ``key`` (salted, so the file cannot be matched against other
    hashes of the key); ``no-key`` without one."""
    if not key:
        return NO_KEY
    return hashlib.sha256(b"fiedler rate limits\0" + key.encode("utf-8", "replace")).hexdigest()[
        :12
    ]


@dataclass(frozen=True)
class LearnedEntry:
    provider: str
    fingerprint: str
    limits: ObservedLimits


class LearnedLimitsStore:
    """The learned limits in memory, loaded from and saved to ``path`` (None: memory only;
    ``read_only``: loaded, never saved)."""

    def __init__(self, path: Path | None, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self._data: dict[str, dict[str, ObservedLimits]] = {}
        self._saved_at: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self.loaded = False

    @classmethod
    def default(cls, *, no_disk: bool = False) -> LearnedLimitsStore:
        """The store in the user state folder (never written with ``FIEDLER_NO_DISK``)."""
        return cls(learned_limits_path(), read_only=no_disk)

    def load(self) -> LearnedLimitsStore:
        """Read the file (blocking: call it from a thread in the app). A missing or unreadable
        file is an empty store, never an error."""
        self.loaded = True
        if self.path is None:
            return self
        try:
            with self.path.open("rb") as handle:
                raw = handle.read(MAX_FILE_BYTES + 1)
            data = json.loads(raw) if len(raw) <= MAX_FILE_BYTES else None
        except FileNotFoundError:
            return self
        except (OSError, ValueError) as exc:
            log.warning("learned rate limits not read from %s: %s", self.path, exc)
            return self
        loaded = _parse(data)
        with self._lock:
            for provider, by_key in loaded.items():
                mine = self._data.setdefault(provider, {})
                for fingerprint, limits in by_key.items():
                    if fingerprint not in mine or mine[fingerprint].seen_at < limits.seen_at:
                        mine[fingerprint] = limits
                        self._saved_at[(provider, fingerprint)] = limits.seen_at
        return self

    def latest(self, provider: str, key: str | None = None) -> ObservedLimits | None:
        """The limits last seen for ``provider`` with ``key``; without a key, the most recent
        of any key of the provider."""
        with self._lock:
            by_key = self._data.get(provider)
            if not by_key:
                return None
            if key is not None:
                return by_key.get(key_fingerprint(key))
            return max(by_key.values(), key=lambda limits: limits.seen_at)

    def entries(self) -> list[LearnedEntry]:
        """Every stored record, by provider then most recent first."""
        with self._lock:
            found = [
                LearnedEntry(provider, fingerprint, limits)
                for provider, by_key in self._data.items()
                for fingerprint, limits in by_key.items()
            ]
        return sorted(found, key=lambda e: (e.provider, -e.limits.seen_at))

    def record(self, provider: str, key: str | None, observed: ObservedLimits) -> bool:
        """Keep ``observed`` as the latest for this provider and key; True when the file is due
        to be written (the limits changed, or the stored ones are over a minute old)."""
        fingerprint = key_fingerprint(key)
        with self._lock:
            previous = self._data.setdefault(provider, {}).get(fingerprint)
            self._data[provider][fingerprint] = observed
            if self.path is None or self.read_only:
                return False
            saved_at = self._saved_at.get((provider, fingerprint))
            due = (
                previous is None
                or previous.limits != observed.limits
                or saved_at is None
                or observed.seen_at - saved_at >= REFRESH_S
            )
            if due:
                self._saved_at[(provider, fingerprint)] = observed.seen_at
            return due

    def save(self) -> None:
        """Write the file atomically, owner-only (blocking). A failure is logged: learning is a
        convenience and never fails a run."""
        if self.path is None or self.read_only:
            return
        with self._write_lock:  # one writer at a time, each with the data as it is then
            with self._lock:  # not held while writing: record() never waits on the disk
                data = {
                    "version": 1,
                    "providers": {
                        provider: {fp: limits.to_json() for fp, limits in by_key.items()}
                        for provider, by_key in self._data.items()
                    },
                }
            try:
                make_private_dir(self.path.parent)
                atomic_write_json(self.path, data)
            except OSError as exc:
                log.warning("learned rate limits not saved to %s: %s", self.path, exc)


def _parse(data: Any) -> dict[str, dict[str, ObservedLimits]]:
    if not isinstance(data, dict) or data.get("version") != 1:
        return {}
    providers = data.get("providers")
    if not isinstance(providers, dict):
        return {}
    found: dict[str, dict[str, ObservedLimits]] = {}
    for provider, by_key in providers.items():
        if not isinstance(provider, str) or not isinstance(by_key, dict):
            continue
        for fingerprint, raw in by_key.items():
            limits = ObservedLimits.from_json(raw)
            if isinstance(fingerprint, str) and limits is not None:
                found.setdefault(provider, {})[fingerprint] = limits
    return found
