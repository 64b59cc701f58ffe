"""How much of a long text a tool result carries inline, and the note saying where the rest is.

A send's answers and a deliberation's result are cut the same way: the first ``limit``
characters inline, and beyond them a note and, for a saved run, the resource that reads the
whole text.
"""

from __future__ import annotations

from typing import NamedTuple


class Cut(NamedTuple):
    truncated: bool
    resource: str | None
    """Where the whole text can be read (a saved run's resource), when it is cut."""
    note: str | None


def cut(chars: int, limit: int, noun: str, resource: str | None) -> Cut:
    """How a text of ``chars`` characters is carried with ``limit`` inline; ``noun`` says what
    it is (``answer``, ``result``), ``resource`` where the whole text is (None when not saved)."""
    if chars <= limit:
        return Cut(False, None, None)
    if resource is None:
        return Cut(
            True, None, f"the {noun} has {chars:,} characters; only the first {limit:,} are here"
        )
    note = (
        f"the {noun} has {chars:,} characters; the first {limit:,} are here, read {resource} "
        "for the whole text"
    )
    return Cut(True, resource, note)
