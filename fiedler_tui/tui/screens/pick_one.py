"""A short list to choose one entry from (a model set, a prompt template); None when cancelled."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from fiedler_tui.tui.safe_text import plain


class PickOneScreen(ModalScreen[str | None]):
    """``title`` over the ``choices`` (id, label); ``enter`` picks the highlighted one, ``esc``
    cancels. Labels are shown as plain text (they may hold file or model names)."""

    DEFAULT_CSS = """
    PickOneScreen { align: center middle; }
    #pick-box {
        width: 90; max-width: 100%; height: auto; max-height: 80%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    #pick-list { height: auto; max-height: 20; border: none; }
    .pick-hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="pick-cancel"),
    ]

    def __init__(self, title: str, choices: Sequence[tuple[str, str]], hint: str = "") -> None:
        super().__init__()
        self._title = title
        self._choices = list(choices)
        self._hint = hint or "enter chooses, esc cancels"

    def compose(self) -> ComposeResult:
        with Vertical(id="pick-box"):
            yield Static(plain(self._title), id="pick-title")
            yield OptionList(
                *(Option(plain(label), id=choice) for choice, label in self._choices),
                id="pick-list",
            )
            yield Label(plain(self._hint), classes="pick-hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected, "#pick-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
