"""Asks which report to export a run as: ``md`` (Markdown) or ``html``; None when cancelled."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from fiedler_tui.core.export.write import ExportFormat
from fiedler_tui.tui.safe_text import plain


class ExportChoiceScreen(ModalScreen[ExportFormat | None]):
    """``m`` Markdown, ``h`` HTML (or a row and enter); ``esc`` cancels."""

    DEFAULT_CSS = """
    ExportChoiceScreen { align: center middle; }
    #export-box {
        width: 60; max-width: 100%; height: auto;
        border: round $primary; background: $surface; padding: 0 1;
    }
    #export-choice { height: auto; border: none; }
    .export-hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "choose('md')", "Markdown", id="export-md"),
        Binding("h", "choose('html')", "HTML", id="export-html"),
        Binding("escape", "choose('')", "Cancel", id="export-cancel"),
    ]

    def __init__(self, folder: str) -> None:
        super().__init__()
        self._folder = folder

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box"):
            yield Static(plain(f"Export this run's report into {self._folder} (owner-only):"))
            yield OptionList(
                Option("m  Markdown: report.md (summary table, then each answer)", id="md"),
                Option(
                    "h  HTML: report.html (one page, answers rendered, code highlighted)", id="html"
                ),
                id="export-choice",
            )
            yield Label(plain("m or h, or enter on a row; esc cancels"), classes="export-hint")

    @on(OptionList.OptionSelected, "#export-choice")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.action_choose(event.option.id or "")

    def action_choose(self, fmt: str) -> None:
        self.dismiss("md" if fmt == "md" else "html" if fmt == "html" else None)
