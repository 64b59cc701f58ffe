"""Find in a line-based text view: matches by row, highlighted where they are drawn, counted.

:class:`FindableView` is the base of the answer views (Review's :class:`MarkdownView`, the Run
panes' :class:`RunText`): given a query, it finds every case-insensitive occurrence in the rows
as shown (a match does not span two rows), scrolls to the current one, draws every match
highlighted and the current one in a second colour, and posts :class:`FindableView.Found` when
the matches or the current one change (:attr:`FindableView.find_label`: ``3/17``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

MATCH = Style(color="black", bgcolor="yellow")
"""How a match is drawn (over the text's own style)."""
CURRENT = Style(color="black", bgcolor="dark_orange", bold=True, underline=True)
"""How the current match is drawn."""


@dataclass(frozen=True, slots=True)
class Match:
    """One occurrence: its row and its cells in the row, ``start`` included, ``end`` not."""

    row: int
    start: int
    end: int


def row_matches(row: int, text: str, needle: str) -> list[Match]:
    """The occurrences of ``needle`` (lower case) in ``text``, ignoring case, as cells."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a character whose lower case is longer: match the case
        lowered = text
    found: list[Match] = []
    start = lowered.find(needle)
    ascii_row = text.isascii()
    while start >= 0:
        end = start + len(needle)
        if ascii_row:
            found.append(Match(row, start, end))
        else:
            before = cell_len(text[:start])
            found.append(Match(row, before, before + cell_len(text[start:end])))
        start = lowered.find(needle, end)
    return found


def highlighted(strip: Strip, spans: Sequence[tuple[int, int, Style]]) -> Strip:
    """``strip`` with each ``(start, end, style)`` cell span drawn in ``style`` on top."""
    length = strip.cell_length
    cuts = sorted({c for start, end, _ in spans for c in (start, end) if 0 < c < length})
    parts = strip.divide([*cuts, length])
    result: list[Segment] = []
    offset = 0
    for part in parts:
        style = next((s for start, end, s in spans if start <= offset < end), None)
        if style is None:
            result.extend(part)
        else:
            result.extend(Segment.apply_style(part, post_style=style))
        offset += part.cell_length
    return Strip(result, length)


class FindableView(ScrollView):
    """A scroll view of rows that can be searched (see the module's docstring)."""

    class Found(Message):
        """The matches or the current match changed."""

        def __init__(self, view: FindableView) -> None:
            super().__init__()
            self.view = view

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.find_query = ""
        self.find_matches: list[Match] = []
        self.find_index = -1
        """The current match (-1: none)."""
        self._by_row: dict[int, list[int]] = {}

    def find_row_texts(self) -> Sequence[str]:
        """The rows as shown, as plain text (what is searched)."""
        raise NotImplementedError

    @property
    def find_label(self) -> str:
        """``3/17``, ``no match``, or "" when nothing is searched."""
        if not self.find_query:
            return ""
        if not self.find_matches:
            return "no match"
        return f"{self.find_index + 1}/{len(self.find_matches)}"

    def find(self, query: str) -> None:
        """Search ``query`` (ignoring case; "" stops searching) and go to the first match from
        the top of the view."""
        self.find_query = query
        self._rescan()
        if self.find_matches:
            top = round(self.scroll_y)
            self.find_index = next((i for i, m in enumerate(self.find_matches) if m.row >= top), 0)
            self._scroll_to_match()
        self.refresh()
        self.post_message(self.Found(self))

    def find_step(self, delta: int) -> None:
        """Go to the next (1) or previous (-1) match, round the end."""
        if not self.find_matches:
            return
        self.find_index = (self.find_index + delta) % len(self.find_matches)
        self._scroll_to_match()
        self.refresh()
        self.post_message(self.Found(self))

    def _rescan(self, from_row: int = 0) -> None:
        """Find the matches again from ``from_row`` on (the rows before it are unchanged)."""
        if not self.find_query:
            self.find_matches, self.find_index, self._by_row = [], -1, {}
            return
        needle = self.find_query.lower()
        if len(needle) != len(self.find_query):
            needle = self.find_query
        kept = [m for m in self.find_matches if m.row < from_row] if from_row else []
        rows = self.find_row_texts()
        for row in range(from_row, len(rows)):
            text = rows[row]
            if needle in text or needle in text.lower():
                kept.extend(row_matches(row, text, needle))
        changed = kept != self.find_matches
        self.find_matches = kept
        by_row: dict[int, list[int]] = {}
        for index, match in enumerate(kept):
            by_row.setdefault(match.row, []).append(index)
        self._by_row = by_row
        if not kept:
            self.find_index = -1
        elif not 0 <= self.find_index < len(kept):
            self.find_index = 0
        if changed:
            self.post_message(self.Found(self))

    def _scroll_to_match(self) -> None:
        row = self.find_matches[self.find_index].row
        height = self.scrollable_content_region.height
        if not self.scroll_y <= row < self.scroll_y + height:
            self.scroll_to(y=max(0, row - height // 3), animate=False, force=True, immediate=True)

    def find_spans(self, row: int) -> list[tuple[int, int, Style]] | None:
        """How to highlight ``row``, or None when it holds no match."""
        indexes = self._by_row.get(row)
        if not indexes:
            return None
        matches = self.find_matches
        return [
            (matches[i].start, matches[i].end, CURRENT if i == self.find_index else MATCH)
            for i in indexes
        ]
