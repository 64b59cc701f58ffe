"""Reading the ranking line of a report review, and aggregating the rankings by mean place."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

_RANKING = re.compile(r"ranking\W{0,12}([^\n]*)", re.IGNORECASE)
_LETTER = re.compile(r"\b(?:reviewer\s+)?([A-E])\b")


def parse_ranking(text: str, letters: Sequence[str]) -> list[str]:
    """The letters of the last ``RANKING:`` line in order, keeping only ``letters``, once each."""
    found = list(_RANKING.finditer(text))
    if not found:
        return []
    order: list[str] = []
    for match in _LETTER.finditer(found[-1].group(1)):
        letter = match.group(1)
        if letter in letters and letter not in order:
            order.append(letter)
    return order


def aggregate_rankings(rankings: Mapping[str, Sequence[str]], letters: Sequence[str]) -> str:
    """``B > A = C``: letters by mean place over the rankings that named them; unranked last."""
    places: dict[str, list[int]] = {letter: [] for letter in letters}
    for ranking in rankings.values():
        for place, letter in enumerate(ranking, start=1):
            if letter in places:
                places[letter].append(place)
    ranked = sorted((sum(p) / len(p), letter) for letter, p in places.items() if p)
    if not ranked:
        return "(no ranking was given)"
    parts: list[str] = []
    previous: float | None = None
    for mean, letter in ranked:
        if previous is not None:
            parts.append(" = " if mean == previous else " > ")
        parts.append(letter)
        previous = mean
    unranked = [letter for letter, p in places.items() if not p]
    if unranked:
        parts.append(" (unranked: " + ", ".join(unranked) + ")")
    return "".join(parts)
