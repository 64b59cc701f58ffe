"""One model's output in a bordered pane: rendered as Markdown, or as literal plain text.

Markdown (:class:`MarkdownView`, filled progressively: the subtitle says "rendering…" until it is
whole) is the default for outputs of at most :attr:`OutputPane.markdown_limit` bytes and
:attr:`OutputPane.block_limit` Markdown blocks (what rendering costs). Larger outputs, or any
output when the reader asks for raw text, go in a :class:`RunText` (line API: only visible rows
are drawn), so an output of megabytes opens, scrolls and re-wraps without stalling the app. The
border subtitle says which view is shown and, for a large output, why it is not rendered.
"""

from __future__ import annotations

import asyncio

from textual.app import ComposeResult
from textual.containers import Vertical

from fiedler_tui.tui.safe_text import plain
from fiedler_tui.tui.widgets.markdown_view import (
    MARKDOWN_MAX_BLOCKS,
    MARKDOWN_MAX_BYTES,
    MarkdownPlan,
    MarkdownView,
    plan_markdown,
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
        plan, reason = await self._plan(shown) if rendered else (None, "")
        self.rendered = plan is not None
        if plan is not None:
            subtitle = "Markdown (rendering…)" if len(plan.chunks) > 1 else "Markdown"
        elif reason:
            subtitle = f"raw text: {reason}"
        else:
            subtitle = "raw text"
        self.border_subtitle = plain(subtitle)
        self.set_class(self.rendered, "-markdown")
        had_focus = self.view.has_focus
        await self.view.remove()
        if plan is None:
            raw = RunText(classes="output-text")
            await self._mount_view(raw, had_focus)
            # Filled once laid out: wrapped to its real width, then scrolled into place.
            raw.call_after_refresh(self._fill, raw, shown, at)
        else:
            markdown = MarkdownView(classes="output-text")
            await self._mount_view(markdown, had_focus)
            await markdown.show_plan(plan)
            if at:  # once laid out; a view still filling goes there again when it is whole
                markdown.call_after_refresh(markdown.place, at)

    async def _mount_view(self, view: OutputView, focus: bool) -> None:
        await self.mount(view)
        if focus:
            self.screen.set_focus(view)  # at once: the view may be replaced before a later focus

    async def _plan(self, text: str) -> tuple[MarkdownPlan | None, str]:
        """How to render ``text`` as Markdown, or why not (it would take too long): (None, why).

        The text is parsed in a thread: about 1.2 ms a KB, 80 ms at the size limit.
        """
        size = utf8_size(text)
        if size > self.markdown_limit:
            return None, f"{_kb(size)} is over the {_kb(self.markdown_limit)} Markdown limit"
        plan = await asyncio.to_thread(plan_markdown, text)
        if plan.blocks > self.block_limit:
            return None, f"{plan.blocks:,} Markdown blocks, over the {self.block_limit:,} limit"
        return plan, ""

    def on_markdown_view_filled(self, message: MarkdownView.Filled) -> None:
        """The Markdown view's fill ended: the subtitle stops saying it is rendering."""
        message.stop()
        if message.view.parent is self:  # not a view replaced meanwhile
            done = "Markdown" if message.complete else "Markdown (incomplete: m for raw text)"
            self.border_subtitle = plain(done)

    @staticmethod
    def _fill(view: RunText, text: str, at: float) -> None:
        view.append(text)
        view.scroll_to(y=at * view.max_scroll_y, animate=False, force=True, immediate=True)
