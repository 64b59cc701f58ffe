"""Asks for a short name (a model set's); the name, or None when cancelled."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from fiedler_tui.tui.safe_text import plain


class NameEntryScreen(ModalScreen[str | None]):
    """``question`` with an input; ``enter`` accepts a name ``problem`` finds nothing wrong
    with (else says what is), ``esc`` cancels."""

    DEFAULT_CSS = """
    NameEntryScreen { align: center middle; }
    #name-box {
        width: 70; max-width: 100%; height: auto;
        border: round $primary; background: $surface; padding: 0 1;
    }
    #name-problem { color: $error; height: auto; }
    .name-hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="name-entry-cancel"),
    ]

    def __init__(self, question: str, problem: Callable[[str], str | None]) -> None:
        super().__init__()
        self._question = question
        self._problem = problem

    def compose(self) -> ComposeResult:
        with Vertical(id="name-box"):
            yield Label(plain(self._question))
            yield Input(id="name-input")
            yield Static("", id="name-problem")
            yield Label(plain("enter: save   esc: cancel"), classes="name-hint")

    @on(Input.Submitted, "#name-input")
    def _submitted(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        problem = self._problem(name)
        if problem:
            self.query_one("#name-problem", Static).update(plain(problem))
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)
