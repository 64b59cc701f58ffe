"""Review's diff view: the two side-by-side answers compared word by word in one scrolling text
(:mod:`fiedler_tui.tui.answer_diff`), under a line naming them and what the styles mean."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from fiedler_tui.tui.answer_diff import AnswerDiff
from fiedler_tui.tui.safe_text import plain, visible


class DiffView(Vertical):
    """A bordered pane: a legend, then the compared text (scrolls with the usual keys)."""

    def compose(self) -> ComposeResult:
        yield Static(classes="diff-legend")
        with VerticalScroll(classes="diff-scroll"):
            yield Static(classes="diff-text")

    @property
    def scroller(self) -> VerticalScroll:
        return self.query_one(".diff-scroll", VerticalScroll)

    def waiting(self, left: str, right: str) -> None:
        self.border_title = plain(f"diff: {left} → {right}")
        self.border_subtitle = "comparing…"

    def show(self, left: str, right: str, diff: AnswerDiff) -> None:
        """Show ``diff`` of the answers named ``left`` and ``right`` (names shown literally)."""
        colours = self.app.get_css_variables()
        removed = colours.get("error", "red")
        added = colours.get("success", "green")
        self.border_title = plain(f"diff: {left} → {right}")
        how = "line by line (long answers)" if diff.by_lines else "word by word"
        self.border_subtitle = f"{diff.similarity:.0%} alike · {how}"
        legend = Text.assemble(
            (f"[-only in {visible(left)}: {diff.removed_words:,} words-]", f"strike {removed}"),
            "  ",
            (f"{{+only in {visible(right)}: {diff.added_words:,} words+}}", f"underline {added}"),
            "  ·  d: back",
        )
        self.query_one(".diff-legend", Static).update(legend)
        self.query_one(".diff-text", Static).update(diff.render(removed, added))
        self.scroller.scroll_home(animate=False)
