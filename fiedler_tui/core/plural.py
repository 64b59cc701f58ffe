"""A count and its noun as every screen and command shows them: ``1 file``, ``2 files``,
``1,200 files``, and ``– files`` for a count an older record does not hold."""

from __future__ import annotations

NOT_KNOWN = "–"


def counted(number: int | None, noun: str, plural: str | None = None) -> str:
    """``number`` with thousands separators and ``noun`` in the singular for exactly one, else
    ``plural`` (``noun`` + ``s`` unless given)."""
    if number is None or isinstance(number, bool) or not isinstance(number, int):
        return f"{NOT_KNOWN} {plural or noun + 's'}"
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"
