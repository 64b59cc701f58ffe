"""Model output rendered as Markdown (Textual's ``Markdown`` widget), made safe for untrusted text.

- Terminal control sequences are removed before parsing (:func:`strip_controls`).
- No Rich markup is interpreted: Textual builds the blocks from ``Content`` objects, which are
  literal. The one place it does not is a table cell's tooltip (a plain string, which the tooltip
  would parse as markup), so tables here use ``Content`` tooltips.
- Raw HTML is shown as text (the parser's ``html`` option is off) rather than silently dropped.
- Links are never opened: the widget is built with ``open_links=False`` and a click only says
  which address the link points to, in a notification (literal).

Rendering builds a widget or more per block (3-5 ms each), and ``Markdown.update`` mounts a whole
document at once, freezing the app for seconds on a long answer. So :class:`MarkdownView` renders
progressively: :func:`plan_markdown` cuts the text between top-level blocks into a first chunk of
about :data:`FIRST_CHUNK_BLOCKS` blocks, shown at once, and chunks of about :data:`CHUNK_BLOCKS`,
appended one per screen refresh so that keys are handled between them. The Review screen shows
outputs over :data:`MARKDOWN_MAX_BYTES` or :data:`MARKDOWN_MAX_BLOCKS` as plain text instead
(figures in ``bench/README.md``).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from itertools import pairwise

from markdown_it import MarkdownIt
from markdown_it.token import Token
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Markdown
from textual.widgets._markdown import (
    MarkdownBlock,
    MarkdownTable,
    MarkdownTableCellContents,
    MarkdownTableContent,
)

from fiedler_tui.tui.safe_text import strip_controls

log = logging.getLogger(__name__)

MARKDOWN_MAX_BYTES = 64_000
"""Largest output (UTF-8 bytes) rendered as Markdown; larger ones are shown as plain text.

Also bounds the parse that precedes rendering (about 1.2 ms a KB, in a thread). 64 KB of prose
(400 blocks) is whole in about 2 s on the project's machine (``bench/review_markdown.py``).
"""

MARKDOWN_MAX_BLOCKS = 600
"""Most Markdown blocks (headings, paragraphs, list items, table cells, code blocks...) rendered.

Each chunk costs its own blocks plus a layout of the whole document so far (Textual lays out
every widget of the document at each refresh), so appends get slower as the document grows and
the time to fill it grows faster than its size. At 600 blocks (16 KB of lists, tables and code)
the last appends block the app for about 110 ms and the document is whole in about 3 s; at 1,200
the appends take about 190 ms and the whole 8-11 s.
"""

FIRST_CHUNK_BLOCKS = 6
"""Blocks rendered before :meth:`MarkdownView.show` returns: about a screenful, quick to open
(40-160 ms from ``OutputPane.show`` to the first frame, the parse included)."""

CHUNK_BLOCKS = 20
"""Blocks rendered in one go after the first chunk, one chunk between two refreshes.

An append and the layout after it block the app for 35-45 ms while the document is short, up to
about 110 ms at :data:`MARKDOWN_MAX_BLOCKS`: mostly the layout of the whole document, so chunks
of 12 blocks stalled as long and took 10-20% longer to fill it. A top-level block is never
split, so a chunk holding one large block (a table of a hundred rows, a long list) takes longer.
"""

_BLOCK_TOKENS = ("fence", "code_block", "hr")
"""Tokens that make a block without an opening and closing pair."""

_CHEAP_ENDS = ("paragraph_open", "heading_open", "hr", "fence", "code_block")
"""Top-level blocks a chunk preferably ends with.

``Markdown.append`` parses again from the start of the last block it rendered (which may have
been incomplete, when streaming) and replaces that block with the result: a paragraph or code
block in place, a heading or rule as one new widget, but a list or quote is built again whole,
and a table's last row comes back as plain ``Static`` cells (no link handling). So a chunk ends
after one of these when it can, after a list or quote only once it is twice its size, and never
after a table.
"""


def markdown_parser() -> MarkdownIt:
    """GitHub-like Markdown (tables, strikethrough, bare links) with raw HTML kept as text."""
    return MarkdownIt("gfm-like", {"html": False})


def utf8_size(text: str) -> int:
    """The size of ``text`` in UTF-8 bytes (what the size limit is measured in)."""
    return len(text.encode("utf-8", errors="replace"))


def _is_block(token: Token) -> bool:
    """Whether ``token`` starts a Markdown block (each becomes at least one widget)."""
    return token.nesting == 1 or token.type in _BLOCK_TOKENS


@dataclass(frozen=True)
class MarkdownPlan:
    """A text ready to render progressively (made by :func:`plan_markdown`)."""

    text: str
    """The text without control sequences: what is rendered."""
    blocks: int
    """How many Markdown blocks it makes (headings, paragraphs, lists and list items, tables and
    their cells, code blocks...): what rendering costs."""
    chunks: tuple[str, ...]
    """``text`` cut between top-level blocks: rendered first, then appended in turn."""


_SEPARATORS = {0x2028: " ", 0x2029: " "}
"""Unicode line and paragraph separators, made spaces: ``str.splitlines`` (which
``Markdown.append`` uses to find where to parse again) ends lines there, the parser does not."""


def plan_markdown(text: str, budget: int | None = None, first: int | None = None) -> MarkdownPlan:
    """Remove control sequences from ``text``, count its blocks and cut it between top-level
    blocks (their token's line ``map``) into a first chunk of about ``first`` blocks (default
    :data:`FIRST_CHUNK_BLOCKS`), then chunks of about ``budget`` (:data:`CHUNK_BLOCKS`).

    Slow for a long text (about 1.2 ms a KB): callers run it in a thread. Its own parser, so
    threads do not share one.
    """
    limit = first or FIRST_CHUNK_BLOCKS
    source = strip_controls(text).translate(_SEPARATORS)
    starts: list[int] = []  # first line of each chunk but the first
    blocks = in_chunk = 0
    last = ""  # the type of the chunk's last top-level block so far
    for token in markdown_parser().parse(source):
        if token.level == 0 and token.nesting >= 0 and token.map is not None:
            if _chunk_ends(last, in_chunk, limit):
                starts.append(token.map[0])
                in_chunk = 0
                limit = budget or CHUNK_BLOCKS
            last = token.type
        if _is_block(token):
            blocks += 1
            in_chunk += 1
    lines = source.splitlines(keepends=True)  # the parser's lines, with no separator left
    bounds = [0, *starts, len(lines)]
    chunks = tuple("".join(lines[a:b]) for a, b in pairwise(bounds))
    return MarkdownPlan(source, blocks, chunks)


def _chunk_ends(last: str, blocks: int, budget: int) -> bool:
    """Whether a chunk of ``blocks`` blocks ending with a ``last`` block is complete."""
    if last in _CHEAP_ENDS:
        return blocks >= budget
    return last != "table_open" and blocks >= 2 * budget


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
    """A scrolling, focusable view of one output rendered as Markdown, progressively.

    :meth:`show` renders the first chunk before it returns; a worker tied to the view appends the
    others, one per refresh, and stops when the view is removed (Textual cancels a widget's
    workers when it is unmounted). :attr:`filling` says whether it is still at it,
    :meth:`wait_filled` waits for the end, and :class:`Filled` is posted then.
    """

    DEFAULT_CSS = """
    MarkdownView {
        scrollbar-gutter: stable;
    }
    MarkdownView > SafeMarkdown {
        padding: 0 1 0 0;
    }
    """

    class Filled(Message):
        """The fill ended: every chunk is rendered, or (``complete`` False) one failed."""

        def __init__(self, view: MarkdownView, *, complete: bool = True) -> None:
            super().__init__()
            self.view = view
            self.complete = complete

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._source = ""
        self._filled = asyncio.Event()
        self._filled.set()
        self._place_at: float | None = None
        """Where to scroll once filled (a fraction of the scroll range), until the reader
        scrolls."""
        self._placing = False

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

    @property
    def filling(self) -> bool:
        """Whether chunks of the text are still to be appended."""
        return not self._filled.is_set()

    async def wait_filled(self) -> None:
        """Return once the text is rendered whole (or the view was removed meanwhile)."""
        await self._filled.wait()

    async def show(self, text: str) -> None:
        """Render ``text`` (untrusted), replacing what was shown; returns once its first chunk is
        mounted, the rest following (:attr:`filling`)."""
        await self.show_plan(await asyncio.to_thread(plan_markdown, text))

    async def show_plan(self, plan: MarkdownPlan) -> None:
        """Render a text planned by :func:`plan_markdown` (see :meth:`show`)."""
        self.workers.cancel_group(self, "markdown-fill")
        self._filled.set()  # the cancelled fill's waiters, if any
        self._source = plan.text
        self._place_at = None
        markdown = self.markdown
        # Textual's update() cannot start the document: the append() after it would parse again
        # from the update's last *line*, not from the start of its last block. So clear, append.
        await markdown.update("")
        first, *rest = plan.chunks
        await markdown.append(first)
        if rest:
            self._filled = asyncio.Event()
            self.run_worker(
                self._fill(markdown, rest, self._filled), group="markdown-fill", exit_on_error=False
            )

    async def _fill(self, markdown: SafeMarkdown, chunks: list[str], filled: asyncio.Event) -> None:
        """Append ``chunks`` one per refresh, so the app handles keys and repaints between.

        The worker is cancelled when the view is removed, which is not an error. A chunk that
        fails to render (a bug, here or in Textual) stops the fill with a notification and the
        traceback in the log: the rest of the output is a key away as raw text, and the app,
        which holds the other outputs, stays up.
        """
        try:
            for chunk in chunks:
                await self.wait_for_refresh()
                try:
                    await markdown.append(chunk)
                except Exception as exc:
                    log.exception("rendering a Markdown chunk failed")
                    self.notify(
                        f"the rest of this output could not be rendered ({type(exc).__name__}: "
                        f"{exc}); m shows it as raw text",
                        title="Markdown",
                        severity="warning",
                    )
                    self.post_message(self.Filled(self, complete=False))
                    return
            await self.wait_for_refresh()  # laid out: the scroll range is known
            if self._place_at is not None:
                self._scroll_to_fraction(self._place_at)
                self._place_at = None
        finally:
            filled.set()
        self.post_message(self.Filled(self))

    def place(self, fraction: float) -> None:
        """Scroll to ``fraction`` of the scroll range; while filling, again once filled (the
        range is then the whole text's), unless the reader scrolls the view meanwhile."""
        self._place_at = fraction if self.filling else None
        self._scroll_to_fraction(fraction)

    def _scroll_to_fraction(self, fraction: float) -> None:
        self._placing = True
        try:
            self.scroll_to(
                y=fraction * self.max_scroll_y, animate=False, force=True, immediate=True
            )
        finally:
            self._placing = False

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """A scroll other than :meth:`place`'s is the reader's: theirs is the place to keep."""
        super().watch_scroll_y(old_value, new_value)
        if not self._placing:
            self._place_at = None
