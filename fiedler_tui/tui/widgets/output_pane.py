"""One model's output in a bordered pane, always shown as literal text.

The text sits in a :class:`RunText` (line API: only visible rows are drawn), so an output of
megabytes opens, scrolls and re-wraps without stalling the app.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical

from fiedler_tui.tui.safe_text import plain
from fiedler_tui.tui.widgets.run_text import RunText


class OutputPane(Vertical):
    """Shows one model's output; the border title names the model and its status."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.alias: str | None = None
        self.text = ""

    def compose(self) -> ComposeResult:
        yield RunText(classes="output-text")

    @property
    def view(self) -> RunText:
        """The text view currently shown."""
        return self.query_one(".output-text", RunText)

    async def show(self, alias: str, text: str, status: str = "") -> None:
        """Display ``text`` (model output: untrusted) as ``alias``'s output, from its top."""
        self.alias = alias
        self.text = text
        title = f"{alias} · {status}" if status else alias
        self.border_title = plain(title)
        self.set_class(status in ("failed", "interrupted", "cancelled"), "-failed")
        had_focus = self.view.has_focus
        await self.view.remove()
        view = RunText(classes="output-text")
        await self.mount(view)
        if had_focus:
            view.focus()
        # Filled once laid out: wrapped to its real width, then shown from the top.
        view.call_after_refresh(self._fill, view, text or "(no output)")

    def _fill(self, view: RunText, text: str) -> None:
        view.append(text)
        view.scroll_to(y=0, animate=False, force=True, immediate=True)
