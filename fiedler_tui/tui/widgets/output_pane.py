"""One model's output in a bordered pane: rendered as Markdown, or as literal plain text.

Markdown (:class:`MarkdownView`) is the default for outputs of at most
:attr:`OutputPane.markdown_limit` bytes and :attr:`OutputPane.block_limit` Markdown blocks (what
rendering costs). Larger outputs, or any output when the reader asks for raw text, go in a
:class:`RunText` (line API: only visible rows are drawn), so an output of megabytes opens,
scrolls and re-wraps without stalling the app. The border subtitle says which view is shown
and, for a large output, why it is not rendered.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical

from fiedler_tui.tui.safe_text import plain
from fiedler_tui.tui.widgets.markdown_view import (
    MARKDOWN_MAX_BLOCKS,
    MARKDOWN_MAX_BYTES,
    MarkdownView,
    block_count,
    utf8_size,
)
from fiedler_tui.tui.widgets.run_text import RunText

OutputView = RunText | MarkdownView
"""The two views a pane can show (both scroll vertically; ``.text`` is what they show)."""


def _kb(size: int) -> str:
    return f"{size / 1000:,.0f} KB"


class OutputPane(Vertical):
    """Shows one model's output; the border title names the model and its status, the subtitle
    the view."""

    markdown_limit = MARKDOWN_MAX_BYTES
    """Outputs larger than this (UTF-8 bytes) are shown as plain text."""
    block_limit = MARKDOWN_MAX_BLOCKS
    """Outputs with more Markdown blocks than this are shown as plain text."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.alias: str | None = None
        self.text = ""
        self.rendered = False
        """Whether the output is shown as rendered Markdown."""

    def compose(self) -> ComposeResult:
        yield RunText(classes="output-text")

    @property
    def view(self) -> OutputView:
        """The view currently shown."""
        view = self.query_one(".output-text")
        assert isinstance(view, OutputView)
        return view

    async def show(
        self,
        alias: str,
        text: str,
        status: str = "",
        *,
        rendered: bool = True,
        at: float = 0.0,
    ) -> None:
        """Display ``text`` (model output: untrusted) as ``alias``'s output.

        ``rendered``: as Markdown when it is not too large, else as plain text. ``at``: where to
        show it from, as a fraction of its scroll range (0 is the top).
        """
        self.alias = alias
        self.text = text
        title = f"{alias} · {status}" if status else alias
        self.border_title = plain(title)
        self.set_class(status in ("failed", "interrupted", "cancelled"), "-failed")
        shown = text or "(no output)"
        reason = self._too_large(shown) if rendered else ""
        self.rendered = rendered and not reason
        if self.rendered:
            subtitle = "Markdown"
        elif reason:
            subtitle = f"raw text: {reason}"
        else:
            subtitle = "raw text"
        self.border_subtitle = plain(subtitle)
        self.set_class(self.rendered, "-markdown")
        had_focus = self.view.has_focus
        await self.view.remove()
        view: OutputView = (
            MarkdownView(classes="output-text") if self.rendered else RunText(classes="output-text")
        )
        await self.mount(view)
        if had_focus:
            view.focus()
        if isinstance(view, MarkdownView):
            await view.show(shown)
            view.call_after_refresh(self._scroll, view, at)
        else:
            # Filled once laid out: wrapped to its real width, then scrolled into place.
            view.call_after_refresh(self._fill, view, shown, at)

    def _too_large(self, text: str) -> str:
        """Why ``text`` is not rendered as Markdown (too slow to build), or ""."""
        size = utf8_size(text)
        if size > self.markdown_limit:
            return f"{_kb(size)} is over the {_kb(self.markdown_limit)} Markdown limit"
        blocks = block_count(text)
        if blocks > self.block_limit:
            return f"{blocks:,} blocks, over the {self.block_limit} that render quickly"
        return ""

    def _fill(self, view: RunText, text: str, at: float) -> None:
        view.append(text)
        self._scroll(view, at)

    @staticmethod
    def _scroll(view: OutputView, at: float) -> None:
        view.scroll_to(y=at * view.max_scroll_y, animate=False, force=True, immediate=True)
