"""Model output turned once into rows of a given width, rendered or raw, safe for untrusted text.

:func:`render_markdown` turns a text into :class:`~textual.strip.Strip` rows: headings, lists,
tables, quotes, code fences highlighted by Pygments (Rich's Markdown renderer). :func:`raw_rows`
wraps it as plain text instead. Both are pure and thread-safe (their own ``Console`` and parser
each call), so the view runs them in a thread, and :data:`RENDERED` keeps the result.

Untrusted text stays inert:

- terminal control sequences are removed before parsing (:func:`strip_controls`), and a rendered
  row that still holds a control character (a decoded entity, say) is cleaned again;
- Markdown text is never Rich markup: ``[red]`` or ``[@click=...]`` are shown as written;
- raw HTML is shown as text (the parser's ``html`` option is off), not dropped;
- links are shown as ``text (address)`` and never opened: no row carries a ``link`` style or
  click meta (any is removed), so a click or a terminal's link handling does nothing.

A long text is rendered in pieces (:func:`split_pieces`) cut at blank lines between top-level
blocks outside code fences, rendered one by one and joined, so a long render can stop early when
the reader moves on and its head can be shown first. The rows are those of the whole text: a
piece after the first is rendered after a one-row paragraph that is then dropped, so the spacing
the renderer puts between two blocks is the same as in the whole; no piece starts after a rule
(the one block followed by no spacing). Reference-style link definitions go with every piece.
"""

from __future__ import annotations

import io
import re
from collections import OrderedDict
from collections.abc import Iterable, Iterator

from markdown_it import MarkdownIt
from rich.console import Console
from rich.markdown import Markdown
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from fiedler_tui.tui.safe_text import strip_controls
from fiedler_tui.tui.widgets.run_text import TAB, wrap

CODE_THEME = "monokai"
"""Pygments theme of code fences (dark background, readable in both app themes)."""

MARKDOWN_MAX_BYTES = 1_000_000
"""Largest output (UTF-8 bytes) rendered as Markdown; a larger one is shown as raw text (saying
why). Four times the 256 KB that renders whole in about 1.5 s (``bench/review_markdown.py``): a
megabyte takes about 6 s of a core in the background and 70 MB of rows at 150 columns."""

CACHE_ROWS = 40_000
"""Rendered rows the cache keeps (about 85 MB at 150 columns; an answer of 16 KB is about 500)."""

PIECE_BYTES = 16_000
"""About how much source one piece holds: 100-200 ms of rendering on the project's machine."""

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_LIST_OR_QUOTE = re.compile(r"([-*+]|\d{1,9}[.)])(\s|$)|>")
_RULE = re.compile(r" {0,3}([-*_])( *\1){2,} *$")
_REFERENCE = re.compile(r" {0,3}\[[^\]]+\]:\s*\S")
_SENTINEL = "x\n\n"
"""A one-row paragraph rendered before a piece after the first, then dropped."""
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def markdown_parser() -> MarkdownIt:
    """CommonMark with tables and strikethrough; raw HTML kept as text; bare addresses are not
    made links (they would be shown twice: ``url (url)``)."""
    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def split_pieces(text: str, size: int = PIECE_BYTES, first: int | None = None) -> list[str]:
    """``text`` cut into pieces of about ``size`` characters (the first of about ``first``) at
    lines that start a new top-level block: after a blank line, outside a code fence, not
    indented, not a list item or quote (a list stays whole, so its spacing and numbering are
    those of the whole text). The pieces concatenate back to ``text``."""
    return list(iter_pieces(text, size, first))


def iter_pieces(text: str, size: int = PIECE_BYTES, first: int | None = None) -> Iterator[str]:
    """The pieces of :func:`split_pieces`, each cut when it is asked for (the first one without
    going through the rest of the text)."""
    parts = text.split("\n")  # the parser's line ends (splitlines would also cut at U+2028...)
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    start = 0  # index of the current piece's first line
    chars = 0
    limit = first or size
    fence = ""
    blank_before = False
    after_rule = False
    for index, line in enumerate(lines):
        stripped = line.rstrip("\r\n")
        if fence:
            if stripped.strip().startswith(fence) and set(stripped.strip()) == {fence[0]}:
                fence = ""
            chars += len(line)
            blank_before = False
            continue
        if (
            chars >= limit
            and blank_before
            and not after_rule
            and stripped
            and not stripped[0].isspace()
            and not _LIST_OR_QUOTE.match(stripped)
        ):
            yield "".join(lines[start:index])
            start, chars, limit = index, 0, size
        opening = _FENCE.match(stripped)
        if opening:
            fence = opening.group(1)
        chars += len(line)
        blank_before = not stripped.strip()
        if not blank_before:
            after_rule = bool(_RULE.match(stripped))
    yield "".join(lines[start:])


def references(text: str) -> str:
    """The reference-style link definitions of ``text`` (``[name]: address``), one a line."""
    return "".join(line for line in text.splitlines(keepends=True) if _REFERENCE.match(line))


def render_markdown(
    text: str, width: int, defined: str = "", *, after_block: bool = False
) -> list[Strip]:
    """``text`` (controls already removed) rendered ``width`` cells wide, one strip a row.

    ``defined``: link reference definitions from elsewhere in the document (they render
    nothing). ``after_block``: ``text`` follows other blocks (a piece after the first): it
    starts with the spacing the renderer puts after a block. Safe to call from a thread.
    """
    console = Console(
        width=width,
        color_system="truecolor",
        force_terminal=True,
        markup=False,
        emoji=False,
        highlight=False,
        legacy_windows=False,
        file=io.StringIO(),  # never written: the console only renders to lines
    )
    markdown = Markdown("", code_theme=CODE_THEME, hyperlinks=False)
    source = (_SENTINEL if after_block else "") + text + ("\n\n" + defined if defined else "")
    markdown.markup = source
    markdown.parsed = markdown_parser().parse(source)
    lines = console.render_lines(markdown, console.options, pad=True, new_lines=False)
    if after_block:
        lines = lines[1:]  # the sentinel paragraph's row
    return [Strip(_inert(line), width) for line in lines]


def render_pieces(pieces: Iterable[str], width: int, defined: str = "") -> list[Strip]:
    """Pieces of one text (:func:`split_pieces`) rendered and joined: the whole text's rows."""
    rows: list[Strip] = []
    for index, piece in enumerate(pieces):
        rows.extend(render_markdown(piece, width, defined, after_block=index > 0))
    return rows


def raw_rows(text: str, width: int) -> list[str]:
    """``text`` (controls already removed) as literal plain text, wrapped ``width`` cells wide
    at spaces when possible (tabs as four spaces): one string a row, drawn by :func:`raw_strip`
    only when it comes into view."""
    rows: list[str] = []
    for line in text.replace("\t", TAB).split("\n"):
        rows.extend(wrap(line, width))
    return rows


def raw_strip(row: str, width: int) -> Strip:
    """One raw row drawn ``width`` cells wide (a space at a break past the width is cropped)."""
    if row.isascii():
        return Strip([Segment(row[:width].ljust(width))], width)
    return Strip([Segment(row)]).crop(0, width).extend_cell_length(width)


def _inert(segments: list[Segment]) -> list[Segment]:
    """``segments`` with no link, click meta or control character left."""
    result: list[Segment] = []
    for text, style, control in segments:
        if control:
            continue
        if _CONTROL.search(text):
            text = strip_controls(text)
        if style is not None and (style.link or style.meta):
            style = _without_link(style)
        result.append(Segment(text, style))
    return result


def _without_link(style: Style) -> Style:
    """``style`` without its link or meta (where Textual keeps ``@click`` actions)."""
    return Style(
        color=style.color,
        bgcolor=style.bgcolor,
        bold=style.bold,
        dim=style.dim,
        italic=style.italic,
        underline=style.underline,
        strike=style.strike,
        reverse=style.reverse,
    )


Rows = list[Strip] | list[str]
"""Rendered rows (styled strips) or raw ones (plain strings, drawn when shown)."""


Entry = tuple[str, Rows]
"""A text as shown (control sequences removed) and its rows."""


class RenderCache:
    """Rows by (text as received, width, rendered or raw): a text turned into rows once per width
    and view, however often shown. The least recently used entries go once the cache holds more
    than ``budget`` rendered rows (about 2 KB each; a raw row, a plain string, counts as an
    eighth)."""

    def __init__(self, budget: int = CACHE_ROWS) -> None:
        self._budget = budget
        self._entries: OrderedDict[tuple[str, int, bool], Entry] = OrderedDict()
        self._weight = 0

    def get(self, text: str, width: int, rendered: bool) -> Entry | None:
        key = (text, width, rendered)
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def put(self, text: str, width: int, rendered: bool, entry: Entry) -> None:
        key = (text, width, rendered)
        old = self._entries.pop(key, None)
        if old is not None:
            self._weight -= _weight(old[1])
        self._entries[key] = entry
        self._weight += _weight(entry[1])
        while self._weight > self._budget and len(self._entries) > 1:
            _, dropped = self._entries.popitem(last=False)
            self._weight -= _weight(dropped[1])

    def clear(self) -> None:
        self._entries.clear()
        self._weight = 0

    def __len__(self) -> int:
        return len(self._entries)


def _weight(rows: Rows) -> int:
    if rows and isinstance(rows[0], str):
        return len(rows) // 8 + 1
    return len(rows) + 1


RENDERED = RenderCache()
"""The app's rendered outputs (both panes and every Review screen share it)."""
