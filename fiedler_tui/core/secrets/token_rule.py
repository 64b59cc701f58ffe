"""One secret format: the literal needles that announce it and the regex tried where they occur."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from fiedler_tui.core.secrets.shape import plausible_token

TOKEN_START = r"(?<![A-Za-z0-9_-])"
"""The character before a token is not part of a longer word (``task-…`` holds no ``sk-`` key)."""
TOKEN_END = r"(?![A-Za-z0-9_-])"


@dataclass(frozen=True)
class TokenRule:
    """A secret format.

    The scan finds every needle in a few passes over the text; the ``pattern`` is then matched
    where a needle starts, or, for formats whose head precedes the needle, up to ``lead``
    characters before it, over a run of ``lead_chars``. The ``value`` group, or the whole
    match, is the span a finding reports and masking replaces; ``check`` vets that value.
    """

    kind: str
    needles: tuple[str, ...]
    pattern: re.Pattern[str]
    lead: int = 0
    lead_chars: frozenset[str] = frozenset()
    check: Callable[[str], bool] = plausible_token
    lowered: bool = False
    """The needles are searched in the lower-cased text (the pattern ignores case itself)."""


def rule(
    kind: str,
    needles: str | tuple[str, ...],
    pattern: str,
    *,
    lead: int = 0,
    lead_chars: str = "",
    check: Callable[[str], bool] = plausible_token,
    lowered: bool = False,
) -> TokenRule:
    """A ``TokenRule`` from a pattern string (compiled here) and one or more needles."""
    return TokenRule(
        kind,
        (needles,) if isinstance(needles, str) else needles,
        re.compile(pattern),
        lead,
        frozenset(lead_chars),
        check,
        lowered,
    )
