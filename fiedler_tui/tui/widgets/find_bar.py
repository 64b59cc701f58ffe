"""The find bar: a one-line input under the panes, opened with ``/``, that searches one view.

The screen opens it on the view that had the focus (:meth:`FindBar.open`); typing searches that
view as you type, ``enter`` or ``down`` goes to the next match, ``up`` to the previous one, and
``escape`` closes the bar, clears the highlights and gives the focus back to the view. The bar
shows the count (``3/17``) as the view reports it.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Input, Static

from fiedler_tui.tui.safe_text import plain
from fiedler_tui.tui.widgets.find import FindableView


class FindBar(Horizontal):
    """Searches :attr:`target` (a :class:`FindableView`) for what is typed."""

    DEFAULT_CSS = """
    FindBar {
        height: 1;
        display: none;
    }
    FindBar.-open {
        display: block;
    }
    FindBar > .find-label {
        width: auto;
        padding: 0 1;
    }
    FindBar > Input, FindBar > Input:focus {
        width: 1fr;
        height: 1;
        border: none;
        padding: 0;
    }
    FindBar > .find-count {
        width: auto;
        min-width: 10;
        padding: 0 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "step(1)", "Next match", id="find-next"),
        Binding("up", "step(-1)", "Previous match", id="find-previous"),
        Binding("escape", "close", "Close find", id="find-close"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.target: FindableView | None = None

    def compose(self) -> ComposeResult:
        yield Static("Find (enter/↓ next, ↑ previous, esc closes):", classes="find-label")
        yield Input(placeholder="text to find, ignoring case")
        yield Static("", classes="find-count")

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def open(self, target: FindableView) -> None:
        """Search ``target``; what was typed before is searched again (and selected)."""
        if self.target is not None and self.target is not target:
            self.target.find("")
        self.target = target
        self.add_class("-open")
        field = self.input
        field.focus()
        field.select_all()
        if field.value:
            target.find(field.value)
        self.show_count()

    def show_count(self) -> None:
        label = self.target.find_label if self.target is not None else ""
        self.query_one(".find-count", Static).update(plain(label))

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        if self.target is not None:
            self.target.find(event.value)
        self.show_count()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_step(1)

    def action_step(self, delta: int) -> None:
        if self.target is not None:
            self.target.find_step(delta)
        self.show_count()

    def action_close(self) -> None:
        self.remove_class("-open")
        target, self.target = self.target, None
        if target is not None:
            target.find("")
            if target.is_attached:
                target.focus()
