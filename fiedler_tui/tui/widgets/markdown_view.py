"""Model output rendered as Markdown (Textual's ``Markdown`` widget), made safe for untrusted text.

- Terminal control sequences are removed before parsing (:func:`strip_controls`).
- No Rich markup is interpreted: Textual builds the blocks from ``Content`` objects, which are
  literal. The one place it does not is a table cell's tooltip (a plain string, which the tooltip
  would parse as markup), so tables here use ``Content`` tooltips.
- Raw HTML is shown as text (the parser's ``html`` option is off) rather than silently dropped.
- Links are never opened: the widget is built with ``open_links=False`` and a click only says
  which address the link points to, in a notification (literal).

Rendering builds a widget or more per block, so its cost grows with the number of blocks; the
Review screen shows outputs over :data:`MARKDOWN_MAX_BYTES` or :data:`MARKDOWN_MAX_BLOCKS` as
plain text instead (figures in ``bench/README.md``).
"""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown
from textual.widgets._markdown import (
    MarkdownBlock,
    MarkdownTable,
    MarkdownTableCellContents,
    MarkdownTableContent,
)

from fiedler_tui.tui.safe_text import strip_controls

MARKDOWN_MAX_BYTES = 16_000
"""Largest output (UTF-8 bytes) rendered as Markdown; larger ones are shown as plain text."""

MARKDOWN_MAX_BLOCKS = 40
"""Most Markdown blocks (headings, paragraphs, list items, table cells, code blocks...) rendered.

Textual's Markdown widget builds a widget or more per block, and that is what rendering costs:
3-5 ms a block on the project's machine (``bench/review_markdown.py``), so 40 blocks open in
about 160 ms (paragraphs) to 300 ms (lists, tables, code) whatever their length, while 16 KB of
lists, tables and code would take seconds and freeze the screen meanwhile.
"""


def markdown_parser() -> MarkdownIt:
    """GitHub-like Markdown (tables, strikethrough, bare links) with raw HTML kept as text."""
    return MarkdownIt("gfm-like", {"html": False})


def utf8_size(text: str) -> int:
    """The size of ``text`` in UTF-8 bytes (what the size limit is measured in)."""
    return len(text.encode("utf-8", errors="replace"))


@cache
def _counting_parser() -> MarkdownIt:
    return markdown_parser()


def block_count(text: str) -> int:
    """How many Markdown blocks ``text`` makes (each becomes at least one widget)."""
    return sum(
        1
        for token in _counting_parser().parse(text)
        if token.nesting == 1 or token.type in ("fence", "code_block", "hr")
    )


class _TableContent(MarkdownTableContent):
    """A table whose cell tooltips are literal (Textual's are strings, parsed as markup)."""

    def compose(self) -> ComposeResult:
        for header in self.headers:
            yield MarkdownTableCellContents(header, classes="header").with_tooltip(header)
        for row_index, row in enumerate(self.rows, 1):
            for cell_index, cell in enumerate(row, 1):
                yield MarkdownTableCellContents(
                    cell, classes=f"row{row_index} cell", name=f"cell{row_index}.{cell_index}"
                ).with_tooltip(cell)
            self.last_row = row_index


class _Table(MarkdownTable):
    def compose(self) -> ComposeResult:
        self._headers, self._rows = self._get_headers_and_rows()
        yield _TableContent(self._headers, self._rows)


class SafeMarkdown(Markdown):
    """Textual's Markdown widget for untrusted text: literal tables, links never opened."""

    BLOCKS: dict[str, type[MarkdownBlock]] = {**Markdown.BLOCKS, "table_open": _Table}

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(
            None, id=id, classes=classes, parser_factory=markdown_parser, open_links=False
        )

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        """Say where a clicked link points; never open it (Markdown's own handler is skipped)."""
        event.prevent_default()
        event.stop()
        # The address is percent-decoded by Textual, so it may hold control characters again.
        self.notify(strip_controls(f"Link: {event.href}"), title="Link not opened", markup=False)


class MarkdownView(VerticalScroll, can_focus=True):
    """A scrolling, focusable view of one output rendered as Markdown."""

    DEFAULT_CSS = """
    MarkdownView {
        scrollbar-gutter: stable;
    }
    MarkdownView > SafeMarkdown {
        padding: 0 1 0 0;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._source = ""

    def compose(self) -> ComposeResult:
        yield SafeMarkdown()

    @property
    def markdown(self) -> SafeMarkdown:
        """The Markdown widget inside."""
        return self.query_one(SafeMarkdown)

    @property
    def text(self) -> str:
        """The text rendered (control sequences removed)."""
        return self._source

    async def show(self, text: str) -> None:
        """Render ``text`` (untrusted), replacing what was shown; returns once it is mounted."""
        self._source = strip_controls(text)
        await self.markdown.update(self._source)
