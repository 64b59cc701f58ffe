"""Why a path is not in the package: a short stable code plus a human reason."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class SkipCode(StrEnum):
    """Stable machine-readable skip codes (the ``code`` field of ``skipped`` in JSON)."""

    MISSING = "missing"
    OUTSIDE_ROOTS = "outside-roots"
    SYMLINK_ESCAPE = "symlink-escape"
    SPECIAL_FILE = "special-file"
    UNREADABLE = "unreadable"
    TOO_LARGE = "too-large"
    BINARY = "binary"
    NOT_UTF8 = "not-utf8"
    IGNORED = "ignored"
    EXCLUDED = "excluded"
    NOT_INCLUDED = "not-included"
    SECRETS = "secrets"


REFUSAL_CODES = frozenset({SkipCode.MISSING, SkipCode.OUTSIDE_ROOTS, SkipCode.SYMLINK_ESCAPE})
"""Codes that make a path named explicitly by the user a bad-input error."""


@dataclass(frozen=True)
class SkippedPath:
    """A path that was looked at and left out, with the reason."""

    path: str
    """Root-relative path, or the argument as typed when it is outside every root."""
    code: SkipCode
    reason: str
    explicit: bool = False
    """True when the user named this path (rather than a directory holding it)."""
