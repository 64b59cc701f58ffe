"""A streaming, soft-wrapped plain-text view whose cost per append does not grow with its length.

Text is kept as wrapped rows. Appending wraps only the unfinished end of the last line (rows
before it are final: greedy wrapping never revisits them), and only visible rows are rendered
(Textual's line API). A width change re-wraps everything once. Untrusted text is shown
literally: control sequences are stripped and no markup is interpreted.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import ClassVar, overload

from rich.cells import cell_len, get_character_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.events import Resize
from textual.geometry import Size
from textual.strip import Strip

from fiedler_tui.tui.safe_text import strip_controls
from fiedler_tui.tui.widgets.find import FindableView, highlighted

TAB = "    "


def wrap(text: str, width: int) -> list[str]:
    """``text`` (no newlines) cut into rows of at most ``width`` cells, at spaces when possible.

    The rows concatenate back to ``text`` exactly; a space at a break stays at the end of its
    row (and is cropped when drawn).
    """
    if width <= 0:
        return [text]
    if text.isascii():
        return _wrap_ascii(text, width)
    if cell_len(text) <= width:
        return [text]
    return _wrap_cells(text, width)


def _wrap_ascii(text: str, width: int) -> list[str]:
    rows: list[str] = []
    pos, size = 0, len(text)
    while size - pos > width:
        end = pos + width
        if text[end] == " ":
            cut = end + 1
        else:
            space = text.rfind(" ", pos, end)
            cut = space + 1 if space >= pos else end
        rows.append(text[pos:cut])
        pos = cut
    rows.append(text[pos:])
    return rows


def _wrap_cells(text: str, width: int) -> list[str]:
    rows: list[str] = []
    pos, size = 0, len(text)
    while True:
        cells, index, space = 0, pos, -1
        while index < size:
            cell = get_character_cell_size(text[index])
            if cells + cell > width:
                break
            cells += cell
            if text[index] == " ":
                space = index
            index += 1
        if index >= size:
            rows.append(text[pos:])
            return rows
        if text[index] == " ":
            cut = index + 1
        elif space >= pos:
            cut = space + 1
        else:
            cut = max(index, pos + 1)
        rows.append(text[pos:cut])
        pos = cut


class _Rows(Sequence[str]):
    """Rows kept as offsets into one held text: each row is sliced out only when asked for
    (drawing reads the visible rows), so the text is not held a second time as rows."""

    def __init__(self, source: str, starts: array[int], ends: array[int]) -> None:
        self.source = source
        self.starts = starts
        self.ends = ends

    def __len__(self) -> int:
        return len(self.starts)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return self.source[self.starts[index] : self.ends[index]]


def row_offsets(source: str, width: int) -> tuple[array[int], array[int]]:
    """Where each wrapped row of ``source`` starts and ends (the newlines between lines are in
    no row), as :func:`wrap` cuts each line."""
    starts, ends = array("q"), array("q")
    pos = 0
    for line in source.split("\n"):
        for row in wrap(line, width):
            starts.append(pos)
            pos += len(row)
            ends.append(pos)
        pos += 1
    return starts, ends


class RunText(FindableView, can_focus=True, inherit_bindings=False):
    """Plain text that grows at the end, wrapped to the widget's width; follows the end unless
    the user has scrolled up. What it shows can be searched (:class:`FindableView`): new text
    is searched as it comes."""

    DEFAULT_CSS = """
    RunText {
        scrollbar-gutter: stable;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("home", "scroll_home", "Top", show=False, id="text-top"),
        Binding("end", "scroll_end", "Bottom", show=False, id="text-bottom"),
        Binding("pageup", "page_up", "Page up", show=False, id="text-page-up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="text-page-down"),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._lines: list[str] = []
        """Completed logical lines (for re-wrapping on resize)."""
        self._current: list[str] = []
        """Final rows of the unfinished last line."""
        self._rows: list[str] | _Rows = []
        """Every final row, in order (offsets into :attr:`_source` once settled)."""
        self._source: str | None = None
        """Once settled (:meth:`settle`): the whole text, held by its owner; every row is a
        slice of it and nothing else holds its characters."""
        self._tail = ""
        """The unfinished end of the last line: its last row, whose wrapping may still change."""
        self._wrap_width = 0
        self._chars = 0
        self._follow = True
        """Keep the end in view; off while the reader has scrolled up."""
        self._style: Style | None = None
        self._cache: LRUCache[int, Strip] = LRUCache(128)
        """Drawn final rows (the tail row changes, so it is never cached)."""

    @property
    def text(self) -> str:
        """Everything shown, as plain text (tabs expanded, control sequences removed)."""
        if self._source is not None:
            return self._source
        return "\n".join([*self._lines, "".join(self._current) + self._tail])

    @property
    def settled(self) -> bool:
        return self._source is not None

    def settle(self, text: str) -> bool:
        """Hold no copy of the text shown: when ``text`` (the whole answer, held by its owner)
        is exactly what is shown, keep only row offsets into it and draw rows from it.
        False (nothing changes) when it differs, e.g. control sequences were stripped."""
        if self._source is text:
            return True
        if self._source is not None or len(text) != self._chars or self.text != text:
            return False
        self._source = text
        self._set_rows(self._wrap_width)
        return True

    def _set_rows(self, width: int) -> None:
        """Settled: the rows of :attr:`_source` at ``width`` (the last one is the tail)."""
        assert self._source is not None
        starts, ends = row_offsets(self._source, width)
        self._tail = self._source[starts.pop() : ends.pop()]
        self._rows = _Rows(self._source, starts, ends)
        self._lines = []
        self._current = []

    def _unsettle(self) -> None:
        """Hold the text as lines and rows again (text is appended after all)."""
        source, self._source = self._source, None
        assert source is not None
        lines = source.split("\n")
        self._lines, self._current, self._tail = lines[:-1], [], lines[-1]
        self._rewrap(self._wrap_width)

    @property
    def char_count(self) -> int:
        return self._chars

    @property
    def row_count(self) -> int:
        return len(self._rows) + 1

    def append(self, text: str) -> None:
        """Add ``text`` at the end (untrusted: shown literally)."""
        text = strip_controls(text).replace("\t", TAB)
        if not text:
            return
        if self._source is not None:
            self._unsettle()
        self._fit_width()
        first_changed = len(self._rows)
        self._chars += len(text)
        parts = text.split("\n")
        self._tail += parts[0]
        for part in parts[1:]:
            self._end_line()
            self._tail = part
        self._wrap_tail()
        if self.find_query:
            self._rescan(first_changed)
        self._grow()
        if self._follow:
            self._scroll_to_end()
        if first_changed <= self.scroll_offset.y + self.size.height:
            self.refresh()

    def _grow(self) -> None:
        """Set the new height; lay the screen out again only when the scrollbar appears.

        ``virtual_size`` is a layout reactive: setting it re-lays out the whole screen. While
        the scrollbar stays as it is, only this widget's extent and its scrollbar change.
        """
        new = Size(self._wrap_width, self.row_count)
        old = self.virtual_size
        if new == old:
            return
        viewport = self.container_size.height
        if old.width == new.width and (old.height > viewport) == (new.height > viewport):
            self.set_reactive(RunText.virtual_size, new)
            self._scroll_update(new)
        else:
            self.virtual_size = new

    def _end_line(self) -> None:
        rows = wrap(self._tail, self._wrap_width)
        assert isinstance(self._rows, list)  # appending: not settled
        self._rows.extend(rows)
        self._current.extend(rows)
        self._lines.append("".join(self._current))
        self._current = []
        self._tail = ""

    def _wrap_tail(self) -> None:
        if self._wrap_width <= 0 or (len(self._tail) <= self._wrap_width and self._tail.isascii()):
            return
        rows = wrap(self._tail, self._wrap_width)
        if len(rows) > 1:
            assert isinstance(self._rows, list)  # appending: not settled
            self._rows.extend(rows[:-1])
            self._current.extend(rows[:-1])
            self._tail = rows[-1]

    def _rewrap(self, width: int) -> None:
        self._wrap_width = width
        if self._source is not None:
            self._set_rows(width)
            self._after_rewrap(width)
            return
        rows: list[str] = []
        for line in self._lines:
            rows.extend(wrap(line, width))
        current = wrap("".join(self._current) + self._tail, width)
        rows.extend(current[:-1])
        self._rows = rows
        self._current = current[:-1]
        self._tail = current[-1]
        self._after_rewrap(width)

    def _after_rewrap(self, width: int) -> None:
        self._cache.clear()
        self.virtual_size = Size(width, self.row_count)
        if self.find_query:
            self._rescan()

    def on_resize(self, event: Resize) -> None:
        self._fit_width()

    def _fit_width(self) -> None:
        """Re-wrap if the space for text changed (a resize, or a scrollbar came or went)."""
        width = self.scrollable_content_region.width
        if width != self._wrap_width and width > 0:
            self._rewrap(width)
            if self._follow:
                self._scroll_to_end()
            self.refresh()

    def _scroll_to_end(self) -> None:
        # Forced: the scrollbar may not exist yet (layout has not caught up with the new size).
        self.scroll_to(y=self.max_scroll_y, animate=False, force=True, immediate=True)
        self._follow = True

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._follow = new_value >= self.max_scroll_y

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()
        self._style = None

    def _text_style(self) -> Style:
        # Resolving the style walks the DOM; it changes only with a style update.
        if self._style is None:
            self._style = self.rich_style
        return self._style

    def find_row_texts(self) -> list[str]:
        return [*self._rows, self._tail]

    def render_line(self, y: int) -> Strip:
        strip = self._render_row(y)
        spans = self.find_spans(round(self.scroll_y) + y)
        return strip if spans is None else highlighted(strip, spans)

    def _render_row(self, y: int) -> Strip:
        row = round(self.scroll_y) + y
        width = self._wrap_width or self.scrollable_content_region.width
        final = len(self._rows)
        if row < final:
            strip = self._cache.get(row)
            if strip is None:
                strip = _strip(self._rows[row], width, self._text_style())
                self._cache[row] = strip
            return strip
        if row == final:
            return _strip(self._tail, width, self._text_style())
        return Strip.blank(width, self._text_style())


def _strip(text: str, width: int, style: Style) -> Strip:
    """One row drawn ``width`` cells wide (a trailing space past the width is cropped)."""
    if text.isascii():
        return Strip([Segment(text[:width].ljust(width), style)], width)
    return Strip([Segment(text, style)]).adjust_cell_length(width, style)
