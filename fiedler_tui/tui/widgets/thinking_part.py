"""A pane's thinking: the model's reasoning text, in its own collapsible part above the answer.

Hidden until reasoning text arrives; then a one-line title (``▸ thinking · 1,234 chars · t``) that
expands to the text itself (a :class:`RunText`: streamed, wrapped, shown literally). The screen
toggles every pane's part with one key; a click on the title toggles that one.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.events import Click
from textual.widgets import Static

from fiedler_tui.tui.widgets.run_text import RunText


class ThinkingPart(Vertical):
    """The reasoning text of one model, collapsed to its title unless expanded."""

    DEFAULT_CSS = """
    ThinkingPart {
        display: none;
        height: auto;
        max-height: 50%;
    }
    ThinkingPart.-has-thinking { display: block; }
    ThinkingPart > .thinking-title {
        height: 1;
        color: $text-muted;
        text-style: italic;
    }
    ThinkingPart > .thinking-body {
        display: none;
        height: auto;
        max-height: 12;
        color: $text-muted;
        scrollbar-size-vertical: 0;
        padding-right: 1;
    }
    ThinkingPart.-expanded { height: 1fr; }
    ThinkingPart.-expanded > .thinking-body { display: block; height: 1fr; max-height: 100%; }
    """

    def __init__(self, *, expanded: bool = False) -> None:
        super().__init__(classes="run-thinking")
        self.title = Static("", classes="thinking-title")
        self.body = RunText(classes="thinking-body")
        self._chars = 0
        self.set_class(expanded, "-expanded")

    def compose(self) -> ComposeResult:
        yield self.title
        yield self.body

    @property
    def expanded(self) -> bool:
        return self.has_class("-expanded")

    @property
    def text(self) -> str:
        """The reasoning shown so far, as plain text."""
        return self.body.text

    def append(self, text: str) -> None:
        """Add streamed reasoning; the part shows itself with the first text."""
        if not text:
            return
        self._chars += len(text)
        self.body.append(text)
        self.add_class("-has-thinking")
        self._show_title()

    def settle(self, text: str) -> None:
        """Hold the run's own copy of the whole reasoning once the model has ended."""
        if text:
            self.body.settle(text)

    def set_expanded(self, expanded: bool) -> None:
        self.set_class(expanded, "-expanded")
        self._show_title()

    def _show_title(self) -> None:
        arrow = "▾" if self.expanded else "▸"
        self.title.update(f"{arrow} thinking · {self._chars:,} chars · t")

    def on_click(self, event: Click) -> None:
        if event.widget is self.title:
            self.set_expanded(not self.expanded)
