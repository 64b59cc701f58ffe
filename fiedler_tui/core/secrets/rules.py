"""Every format the scan knows, grouped by the needle that announces it.

Two needle indexes cover them all: one over the text (token prefixes and structures), one over
the lower-cased text (keyword names, ``Authorization`` headers, Discord). Rules that share a
needle are tried in the order listed; the first that matches wins, and when two rules report the
same span the earlier-listed one names it.
"""

from __future__ import annotations

from fiedler_tui.core.secrets.credential_formats import CREDENTIAL_FORMATS, DISCORD_BOT_TOKEN
from fiedler_tui.core.secrets.key_formats import KEY_FORMATS
from fiedler_tui.core.secrets.keyword_rule import KEYWORD_FOLLOW, KEYWORD_NEEDLES
from fiedler_tui.core.secrets.needles import NeedleIndex
from fiedler_tui.core.secrets.token_rule import TokenRule

TOKEN_RULES: tuple[TokenRule, ...] = (*KEY_FORMATS, *CREDENTIAL_FORMATS)
WHOLE_TEXT_RULES: tuple[TokenRule, ...] = (DISCORD_BOT_TOKEN,)
"""Formats without a needle of their own, searched in the whole text when a needle occurs."""

RankedRule = tuple[int, TokenRule]
"""A rule and its rank (its place in ``TOKEN_RULES``; lower names a shared span)."""


def _by_needle(rules: tuple[TokenRule, ...], *, lowered: bool) -> dict[str, tuple[RankedRule, ...]]:
    grouped: dict[str, list[RankedRule]] = {}
    for rank, token_rule in enumerate(rules):
        if token_rule.lowered == lowered:
            for needle in token_rule.needles:
                grouped.setdefault(needle, []).append((rank, token_rule))
    return {needle: tuple(ranked) for needle, ranked in grouped.items()}


RULES_BY_NEEDLE = _by_needle(TOKEN_RULES, lowered=False)
LOWERED_RULES_BY_NEEDLE = _by_needle(TOKEN_RULES, lowered=True)
WHOLE_TEXT_BY_NEEDLE = {
    needle: (len(TOKEN_RULES) + i, token_rule)
    for i, token_rule in enumerate(WHOLE_TEXT_RULES)
    for needle in token_rule.needles
}
KEYWORD_RANK = len(TOKEN_RULES) + len(WHOLE_TEXT_RULES)
ENV_FILE_RANK = KEYWORD_RANK + 1

NEEDLE_ANCHORS = "JQ/=A.-_"
"""Anchor characters for the needles in the text, rare ones first (see ``needles``): eight passes
find every token needle."""
LOWERED_NEEDLE_ANCHORS = "zkpc"
"""And for the needles in the lower-cased text: ``authorization``; ``token``, ``key``; ``pass``,
``pwd``; ``secret``, ``credential``, ``discord``."""

NEEDLES = NeedleIndex(dict.fromkeys(RULES_BY_NEEDLE, ""), NEEDLE_ANCHORS)
LOWERED_NEEDLES = NeedleIndex(
    {
        **dict.fromkeys(LOWERED_RULES_BY_NEEDLE, ""),
        **dict.fromkeys(WHOLE_TEXT_BY_NEEDLE, ""),
        **dict.fromkeys(KEYWORD_NEEDLES, KEYWORD_FOLLOW),
    },
    LOWERED_NEEDLE_ANCHORS,
)
