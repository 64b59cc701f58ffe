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

UNPACKABLE_CODES = frozenset(
    {
        SkipCode.SPECIAL_FILE,
        SkipCode.UNREADABLE,
        SkipCode.TOO_LARGE,
        SkipCode.BINARY,
        SkipCode.NOT_UTF8,
        SkipCode.IGNORED,
    }
)
"""Codes that make a path named explicitly a refusal to send (exit 3): it exists in a root but
cannot be packaged. Files found by expanding a folder are skipped for these without refusing;
``excluded`` (the user's own glob) and ``secrets`` (the chosen policy) never refuse."""


@dataclass(frozen=True)
class SkippedPath:
    """A path that was looked at and left out, with the reason."""

    path: str
    """Root-relative path, or the argument as typed when it is outside every root."""
    code: SkipCode
    reason: str
    explicit: bool = False
    """True when the user named this path (rather than a folder holding it)."""

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "reason": self.reason,
            "code": str(self.code),
            "explicit": self.explicit,
        }
