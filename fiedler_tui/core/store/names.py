"""Names on disk: run directory names and safe, collision-free per-model file names."""

from __future__ import annotations

import re
import secrets
import unicodedata
from datetime import datetime

MAX_NAME_CHARS = 80
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def new_run_id(now: datetime) -> str:
    """``20261123-181502-a1b2c3``: sortable by time, unique by a random suffix."""
    return f"{now.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(3)}"


def safe_file_stem(name: str, taken: set[str]) -> str:
    """A file name stem for ``name``: no separators or control characters, capped, unique.

    ``taken`` is updated with the result (compared case-insensitively, for case-folding disks).
    """
    text = unicodedata.normalize("NFKC", name)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    stem = _UNSAFE.sub("_", text).strip("._-") or "model"
    stem = stem[:MAX_NAME_CHARS]
    candidate, counter = stem, 2
    while candidate.lower() in taken:
        suffix = f"-{counter}"
        candidate = stem[: MAX_NAME_CHARS - len(suffix)] + suffix
        counter += 1
    taken.add(candidate.lower())
    return candidate
