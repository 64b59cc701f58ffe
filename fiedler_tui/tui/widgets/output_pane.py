"""One model's output in a scrollable pane, always shown as literal text."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from fiedler_tui.tui.safe_text import plain


class OutputPane(VerticalScroll):
    """Shows one model's output; the border title names the model and its status."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.alias: str | None = None
        self.text = ""

    def compose(self) -> ComposeResult:
        yield Static(classes="output-text")

    def show(self, alias: str, text: str, status: str = "") -> None:
        """Display ``text`` (model output: untrusted) as ``alias``'s output."""
        self.alias = alias
        self.text = text
        title = f"{alias} · {status}" if status else alias
        self.border_title = plain(title)
        self.query_one(".output-text", Static).update(plain(text) if text else plain("(no output)"))
        self.set_class(status in ("failed", "interrupted", "cancelled"), "-failed")
        self.scroll_home(animate=False)
