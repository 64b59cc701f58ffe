"""One model's output in a bordered pane: rendered as Markdown, or as literal plain text.

The pane holds one :class:`MarkdownView` for its whole life: switching outputs or views replaces
the view's rows (rendered once per width and view, then cached, drawn row by row), never mounts
a document or moves the focus. The border title names the output's model and status, the
subtitle the view ("Markdown (rendering…)" while the rest of a long text is being rendered after
its head). The title changes only once the view holds the new output's rows: the title and the
body always belong to the same output.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical

from fiedler_tui.tui.safe_text import plain
from fiedler_tui.tui.widgets.find import FindableView
from fiedler_tui.tui.widgets.markdown_view import MarkdownView


class OutputPane(Vertical):
    """Shows one model's output; the border title names the model and its status, the subtitle
    the view."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.alias: str | None = None
        self.text = ""
        self.rendered = False
        """Whether the output is shown as rendered Markdown."""

    def compose(self) -> ComposeResult:
        yield MarkdownView(classes="output-text")

    @property
    def view(self) -> MarkdownView:
        """The view of the output."""
        return self.query_one(".output-text", MarkdownView)

    async def show(
        self,
        alias: str,
        text: str,
        status: str = "",
        *,
        rendered: bool = True,
        at: float = 0.0,
        label: str | None = None,
    ) -> None:
        """Display ``text`` (model output: untrusted) as ``alias``'s output.

        ``rendered``: as Markdown, else as raw text. ``at``: where to show it from, as a
        fraction of its scroll range (0 is the top). ``label``: the title's name for it, in
        place of the alias (Review's blind mode).
        """
        view = self.view
        await view.show(text or "(no output)", at, rendered=rendered)  # rows before the title
        self.alias = alias
        self.text = text
        self.rendered = rendered
        name = alias if label is None else label
        title = f"{name} · {status}" if status else name
        self.border_title = plain(title)
        self._subtitle()
        self.set_class(status in ("failed", "interrupted", "cancelled"), "-failed")

    def _subtitle(self) -> None:
        view = self.view
        if not view.rendered:
            why = view.raw_reason if self.rendered else ""
            subtitle = f"raw text: {why}" if why else "raw text"
        else:
            subtitle = "Markdown (rendering…)" if view.rendering else "Markdown"
        if view.find_label:
            subtitle = f"find: {view.find_label} · {subtitle}"
        self.border_subtitle = plain(subtitle)

    def on_findable_view_found(self, message: FindableView.Found) -> None:
        """The view's matches changed: the subtitle counts them (the screen's find bar too)."""
        if self.alias is not None:
            self._subtitle()

    def on_markdown_view_rendered(self, message: MarkdownView.Rendered) -> None:
        """The view is whole: the subtitle stops saying it is rendering."""
        message.stop()
        if self.alias is not None:
            self._subtitle()
