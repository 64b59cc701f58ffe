"""Finding many literal needles in a few passes of the ``re`` engine.

``re`` finds a pattern that starts with one literal character about as fast as ``str.find``;
an alternation of patterns starting with different characters, or a character set, is several
times slower. So the needles are grouped by an anchor character they contain (the first of a
short list of characters, chosen to cover every needle with few groups), one pattern per
group: ``-(?<=sk-|key-)|…`` finds ``sk-`` and ``key-`` at each ``-``, ``A(?:Iza|KIA|…)``
finds ``AIza`` and ``AKIA`` at each ``A``. The cost is one fast pass per anchor character.
"""

from __future__ import annotations

import re
from collections.abc import Mapping


def _anchor(needle: str, anchors: str) -> int:
    for char in anchors:
        index = needle.find(char)
        if index >= 0:
            return index
    raise ValueError(f"needle {needle!r} contains none of the anchor characters {anchors!r}")


def _group_pattern(char: str, needles: list[tuple[str, int, str]]) -> str:
    """One anchor's pattern. Needles that continue past the anchor are literals (``re`` rejects
    them on their first character, cheaply); needles that end at it are lookbehinds, merged by
    width and behind a filter on their last three characters, so a common anchor character
    (``_``) costs one short check where no needle ends."""
    continued: list[str] = []
    ending: dict[tuple[int, str], list[str]] = {}
    for needle, anchor, follow in needles:
        rest = needle[anchor + 1 :]
        if rest or not anchor:
            behind = f"(?<={re.escape(needle)})" if anchor else ""
            continued.append(re.escape(rest) + behind + follow)
        else:
            ending.setdefault((len(needle), follow), []).append(re.escape(needle))
    alternatives = sorted(continued, key=len, reverse=True)
    if ending:
        tails = sorted(
            {
                needle[-3:]
                for needle, anchor, _ in needles
                if anchor >= 2 and not needle[anchor + 1 :]
            }
        )
        merged = [
            f"(?<={'|'.join(group)}){follow}" for (_, follow), group in sorted(ending.items())
        ]
        tail_filter = f"(?<={'|'.join(re.escape(t) for t in tails)})" if tails else ""
        alternatives.append(tail_filter + "(?:" + "|".join(merged) + ")")
    return re.escape(char) + "(?:" + "|".join(alternatives) + ")"


class NeedleIndex:
    """Every occurrence of any of a set of literal needles."""

    def __init__(self, needles: Mapping[str, str], anchors: str) -> None:
        """``needles`` maps each needle to a regex that must follow it ("" for none)."""
        self.needles = tuple(needles)
        by_anchor: dict[str, list[tuple[str, int, str]]] = {}
        for needle, follow in needles.items():
            anchor = _anchor(needle, anchors)
            follow_ahead = f"(?={follow})" if follow else ""
            by_anchor.setdefault(needle[anchor], []).append((needle, anchor, follow_ahead))
        self._groups = tuple(
            (re.compile(_group_pattern(char, entries)), tuple((n, a) for n, a, _ in entries))
            for char, entries in by_anchor.items()
        )

    def hits(self, text: str) -> list[tuple[int, str]]:
        """(start, needle) for each occurrence, in text order. Needles that overlap are all
        reported when their anchors differ; two needles sharing an anchor position are both
        reported too (each is confirmed by its own comparison)."""
        found: list[tuple[int, str]] = []
        for pattern, entries in self._groups:
            for match in pattern.finditer(text):
                at = match.start()
                for needle, anchor in entries:
                    start = at - anchor
                    if start >= 0 and text.startswith(needle, start):
                        found.append((start, needle))
        found.sort()
        return found
