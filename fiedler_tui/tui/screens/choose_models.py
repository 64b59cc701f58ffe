"""Chooses the models a past run is re-run on: every configured model, the run's own ticked.

``space`` or ``enter`` ticks or unticks the highlighted model, ``ctrl+s`` takes the ticked ones
(at least one), ``esc`` cancels. Dismissed with the chosen names in models.yaml's order, or None.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, SelectionList, Static
from textual.widgets.selection_list import Selection

from fiedler_tui.tui.safe_text import plain


class ChooseModelsScreen(ModalScreen[list[str] | None]):
    """``title`` over every model of ``names``; those in ``ticked`` start ticked."""

    DEFAULT_CSS = """
    ChooseModelsScreen { align: center middle; }
    #choose-models-box {
        width: 90; max-width: 100%; height: auto; max-height: 80%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    #choose-models-list { height: auto; max-height: 20; border: none; }
    .choose-models-hint { color: $text-muted; width: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "apply", "Re-run on these", id="choose-models-apply", priority=True),
        Binding("escape", "cancel", "Cancel", id="choose-models-cancel"),
    ]

    def __init__(self, title: str, names: Sequence[str], ticked: Sequence[str]) -> None:
        super().__init__()
        self._title = title
        self._names = list(names)
        self._ticked = set(ticked)

    def compose(self) -> ComposeResult:
        with Vertical(id="choose-models-box"):
            yield Static(plain(self._title))
            yield SelectionList[str](
                *(
                    Selection(
                        plain(name + ("  (in the run)" if name in self._ticked else "")),
                        name,
                        name in self._ticked,
                    )
                    for name in self._names
                ),
                id="choose-models-list",
            )
            yield Label(
                plain(
                    "space ticks a model, ctrl+s goes to Compose with the ticked ones, esc cancels"
                ),
                classes="choose-models-hint",
                id="choose-models-hint",
            )

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    @property
    def chosen(self) -> list[str]:
        ticked = set(self.query_one(SelectionList).selected)
        return [name for name in self._names if name in ticked]

    def action_apply(self) -> None:
        chosen = self.chosen
        if not chosen:
            self.query_one("#choose-models-hint", Label).update(
                plain("tick at least one model (space), then ctrl+s")
            )
            return
        self.dismiss(chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)
