"""Untrusted text (model output, file names, provider messages) made safe to display.

Rich markup such as ``[red]``, ``[link=...]`` or ``[@click=...]`` is never interpreted: text is
wrapped in a ``rich.text.Text`` object, which Textual renders literally. Which characters are
terminal controls is defined once, in :mod:`fiedler_tui.core.terminal_text`: labels, titles and
notifications show them as visible escapes (:func:`visible`, :func:`plain`); an answer's text drops
whole escape sequences (:func:`strip_controls`).
"""

from __future__ import annotations

from rich.text import Text

from fiedler_tui.core.terminal_text import escape_controls, strip_controls

__all__ = ["plain", "strip_controls", "visible"]


def visible(text: str) -> str:
    """``text`` for a label, title or notification: controls as visible escapes (``\\x1b``)."""
    return escape_controls(text)


def plain(text: str) -> Text:
    """A renderable that shows ``text`` literally: no markup, controls as visible escapes."""
    return Text(escape_controls(text))
