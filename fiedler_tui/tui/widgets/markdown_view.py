"""One model output, rendered as Markdown or as raw text, shown in a line-based scroll view.

The text is turned into styled rows once per width and view (:mod:`markdown_lines`, in a
thread) and kept in :data:`~markdown_lines.RENDERED`, so showing an output again, in either
pane, costs nothing but drawing; drawing follows the visible rows only (Textual's line API),
whatever the length. Switching between rendered and raw replaces the rows of the same widget:
no mount, no focus change, no layout of the screen.

A text that is not yet rendered at the view's width shows its head first: the pieces before
about :data:`HEAD_CHARS_PER_ROW` characters a visible row are rendered before :meth:`show`
returns (15-25 ms), the rest piece by piece in a worker, appended as they come. :attr:`rendering`
says whether that is still going on, :class:`Rendered` is posted when it ends. Whatever is shown
is always the text last given to :meth:`show`: a render for an earlier text or width is dropped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

from rich.style import Style
from textual.cache import LRUCache
from textual.events import Resize
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip

from fiedler_tui.tui.safe_text import strip_controls
from fiedler_tui.tui.widgets.find import FindableView, highlighted
from fiedler_tui.tui.widgets.markdown_lines import (
    MARKDOWN_MAX_BYTES,
    RENDERED,
    Rows,
    iter_pieces,
    raw_rows,
    raw_strip,
    references,
    render_markdown,
)

log = logging.getLogger(__name__)

HEAD_CHARS_PER_ROW = 45
"""Source characters rendered first per row of the view: typical answers make a rendered row of
every 30 characters of source, so the head fills the view about one and a half times."""


def _kb(size: int) -> str:
    return f"{size / 1000:,.0f} KB"


def _render_head(text: str, width: int, first: int) -> tuple[str, Iterator[str], str, list[Strip]]:
    """``text`` without control sequences, its pieces after the first (cut as they are asked
    for), its link definitions, and its first piece rendered."""
    source = strip_controls(text)
    pieces = iter_pieces(source, first=first)
    defined = references(source) if "]:" in source else ""
    return source, pieces, defined, render_markdown(next(pieces), width, defined)


def _render_next(pieces: Iterator[str], width: int, defined: str) -> list[Strip] | None:
    """The next piece rendered (it follows other blocks), or None after the last."""
    piece = next(pieces, None)
    if piece is None:
        return None
    return render_markdown(piece, width, defined, after_block=True)


def _raw(text: str, width: int) -> tuple[str, list[str]]:
    """``text`` without control sequences, and its raw rows."""
    source = strip_controls(text)
    return source, raw_rows(source, width)


class MarkdownView(FindableView, can_focus=True):
    """A scrolling, focusable view of one output, rendered as Markdown or as raw text; what it
    shows can be searched (:class:`FindableView`)."""

    DEFAULT_CSS = """
    MarkdownView {
        scrollbar-gutter: stable;
    }
    """

    class Rendered(Message):
        """The text shown is rendered whole at the view's width."""

        def __init__(self, view: MarkdownView) -> None:
            super().__init__()
            self.view = view

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._source = ""
        self._wanted = ""
        """The text last given to :meth:`show` (``_source`` is the one whose rows are shown)."""
        self._rendered = True
        """Whether the text is shown rendered as Markdown (else as raw text)."""
        self.raw_reason = ""
        """Why a text asked for rendered is shown raw (too large, or rendering failed)."""
        self._rows: Rows = []
        self._width = 0
        """The width ``_rows`` were rendered at."""
        self._generation = 0
        """Counts the texts and widths asked for: a render for an older one is dropped."""
        self._done = asyncio.Event()
        self._done.set()
        self._place_at: float | None = None
        """Where to scroll once whole (a fraction of the scroll range), until the reader
        scrolls."""
        self._placing = False
        self._style: Style | None = None
        self._drawn: LRUCache[int, Strip] = LRUCache(256)
        self._texts: list[str] | None = None
        """The rows as plain text (searched by find), made when first needed."""

    @property
    def text(self) -> str:
        """The text whose rows are shown (control sequences removed)."""
        return self._source

    @property
    def rows(self) -> Rows:
        """The rows shown so far: styled strips (rendered) or strings (raw)."""
        return self._rows

    @property
    def rendering(self) -> bool:
        """Whether the rest of the text is still being rendered."""
        return not self._done.is_set()

    async def wait_rendered(self) -> None:
        """Return once the text shown is rendered whole (or was replaced meanwhile)."""
        await self._done.wait()

    @property
    def rendered(self) -> bool:
        """Whether the text is shown rendered as Markdown (else as raw text)."""
        return self._rendered

    async def show(self, text: str, at: float = 0.0, *, rendered: bool = True) -> None:
        """Show ``text`` (untrusted), rendered as Markdown or raw, from ``at`` (a fraction of its
        scroll range); returns once its head, at least, is shown."""
        self._wanted = text  # controls are removed in the thread that renders it
        self._rendered = rendered
        self.raw_reason = ""
        if rendered and len(text) > MARKDOWN_MAX_BYTES // 4:
            size = len(text.encode("utf-8", errors="replace"))
            if size > MARKDOWN_MAX_BYTES:
                self._rendered = False
                self.raw_reason = (
                    f"{_kb(size)} is over the {_kb(MARKDOWN_MAX_BYTES)} Markdown limit"
                )
        self._generation += 1
        self._place_at = at
        width = self._text_width()
        if width <= 0:  # not laid out yet: rendered once it is (on_resize)
            self._done = asyncio.Event()
            self._set_rows("", [], 0)
            return
        await self._render_text(self._generation, width)

    def _text_width(self) -> int:
        return self.scrollable_content_region.width

    async def _render_text(self, generation: int, width: int) -> None:
        text, rendered = self._wanted, self._rendered
        self.workers.cancel_group(self, "markdown-render")
        cached = RENDERED.get(text, width, rendered)
        if cached is not None:
            self._set_rows(*cached, width)
            self._whole()
            return
        self._done.set()  # an earlier render's waiters
        self._done = asyncio.Event()
        if not rendered:
            await self._show_raw(generation, width)
            return
        first = HEAD_CHARS_PER_ROW * max(self.size.height, 10)
        try:
            source, pieces, defined, head = await asyncio.to_thread(
                _render_head, text, width, first
            )
        except Exception as exc:
            if generation == self._generation:
                await self._not_rendered(exc, generation, width)
            return
        if generation != self._generation:
            return
        self._set_rows(source, head, width)
        if len(source) < first:  # one piece: no cut before ``first`` characters
            RENDERED.put(text, width, True, (source, head))
            self._whole()
            return
        self.run_worker(
            self._render_rest(generation, text, source, width, pieces, defined, head),
            group="markdown-render",
            exit_on_error=False,
        )

    async def _render_rest(
        self,
        generation: int,
        text: str,
        source: str,
        width: int,
        pieces: Iterator[str],
        defined: str,
        head: list[Strip],
    ) -> None:
        """Render the pieces after the head in a thread, one at a time, showing each."""
        rows = list(head)
        while True:
            try:
                part = await asyncio.to_thread(_render_next, pieces, width, defined)
            except Exception as exc:
                if generation == self._generation:
                    await self._not_rendered(exc, generation, width)
                return
            if generation != self._generation:
                return
            if part is None:
                break
            rows.extend(part)
            self._set_rows(source, list(rows), width)
        RENDERED.put(text, width, True, (source, rows))
        self._whole()

    async def _not_rendered(self, error: Exception, generation: int, width: int) -> None:
        """Rendering failed (a bug, here or in a library): say so, show the raw text instead.

        The traceback goes to the log; the app, which holds the other outputs, stays up.
        """
        log.error("rendering an output as Markdown failed", exc_info=error)
        self.notify(
            f"this output could not be rendered ({type(error).__name__}: {error}); it is shown "
            "as raw text",
            title="Markdown",
            severity="warning",
            markup=False,
        )
        self._rendered = False
        self.raw_reason = "could not be rendered"
        await self._show_raw(generation, width)

    async def _show_raw(self, generation: int, width: int) -> None:
        text = self._wanted
        source, rows = await asyncio.to_thread(_raw, text, width)
        if generation == self._generation:
            RENDERED.put(text, width, False, (source, rows))
            self._set_rows(source, rows, width)
            self._whole()

    def _whole(self) -> None:
        """The text is rendered whole: go to the place asked for, say so."""
        if self._place_at is not None:
            self._scroll_to_fraction(self._place_at)
            self._place_at = None
        self._done.set()
        self.post_message(self.Rendered(self))

    def _set_rows(self, source: str, rows: Rows, width: int) -> None:
        self._source = source
        self._rows = rows
        self._width = width
        self._drawn.clear()
        self._texts = None
        if self.find_query:
            self._rescan()
        self.virtual_size = Size(width, len(rows))
        if self._place_at is not None:
            self._scroll_to_fraction(self._place_at)
        self.refresh()

    def on_resize(self, event: Resize) -> None:
        width = self._text_width()
        if width > 0 and width != self._width and self._wanted:
            if self._place_at is None:
                self._place_at = self.fraction
            self._generation += 1
            self.run_worker(self._render_text(self._generation, width), exit_on_error=False)

    @property
    def fraction(self) -> float:
        """How far the view is scrolled, as a fraction of its scroll range."""
        return self.scroll_y / self.max_scroll_y if self.max_scroll_y else 0.0

    def place(self, fraction: float) -> None:
        """Scroll to ``fraction`` of the scroll range; while rendering, again once whole (the
        range is then the whole text's), unless the reader scrolls meanwhile."""
        self._place_at = fraction if self.rendering else None
        self._scroll_to_fraction(fraction)

    def _scroll_to_fraction(self, fraction: float) -> None:
        self._placing = True
        try:
            self.scroll_to(
                y=round(fraction * self.max_scroll_y), animate=False, force=True, immediate=True
            )
        finally:
            self._placing = False

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """A scroll other than the view's own is the reader's: theirs is the place to keep."""
        super().watch_scroll_y(old_value, new_value)
        if not self._placing:
            self._place_at = None

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._drawn.clear()
        self._style = None

    def _base_style(self) -> Style:
        if self._style is None:
            self._style = self.rich_style
        return self._style

    def find_row_texts(self) -> list[str]:
        if self._texts is None:
            self._texts = [row if isinstance(row, str) else row.text for row in self._rows]
        return self._texts

    def render_line(self, y: int) -> Strip:
        row = round(self.scroll_y) + y
        if row >= len(self._rows):
            return Strip.blank(self._width or self.size.width, self._base_style())
        strip = self._drawn.get(row)
        if strip is None:
            content = self._rows[row]
            if isinstance(content, str):
                content = raw_strip(content, self._width)
            strip = content.apply_style(self._base_style())
            self._drawn[row] = strip
        spans = self.find_spans(row)
        return strip if spans is None else highlighted(strip, spans)
