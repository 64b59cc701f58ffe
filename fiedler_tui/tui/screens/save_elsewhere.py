"""Asks for a folder to save what a run could not save in its own; returns it, or None."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from fiedler_tui.tui.safe_text import plain


class SaveElsewhereScreen(ModalScreen[Path | None]):
    """A folder path, proposed as ``default``: enter saves there, escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="save-elsewhere-cancel")]

    def __init__(self, what: str, default: Path) -> None:
        super().__init__()
        self._what = what
        self._default = default

    def compose(self) -> ComposeResult:
        with Vertical(id="save-elsewhere-box"):
            yield Label(plain(f"Save {self._what} to another folder (created 0700, files 0600):"))
            yield Input(value=str(self._default), id="save-elsewhere-folder")
            yield Static("", id="save-elsewhere-problem")
            yield Label(plain("enter: save   esc: cancel"), classes="save-elsewhere-hint")

    @on(Input.Submitted, "#save-elsewhere-folder")
    def submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if not value:
            self.query_one("#save-elsewhere-problem", Static).update(
                plain("type the folder to save to")
            )
            return
        self.dismiss(Path(value).expanduser().absolute())

    def action_cancel(self) -> None:
        self.dismiss(None)
