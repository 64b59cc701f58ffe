"""Help: every key binding of the app and of the screen below, generated from the bindings."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static


def binding_rows(screen: Screen[object]) -> list[tuple[str, str, str]]:
    """(where, key, description) for every binding with a description, app first."""
    rows: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    sources: list[tuple[str, object]] = [("app", screen.app), (screen.__class__.__name__, screen)]
    for where, node in sources:
        for binding in getattr(node, "BINDINGS", []):
            if not isinstance(binding, Binding) or not binding.description:
                continue
            key = screen.app.get_key_display(binding)
            if (key, binding.description) in seen:
                continue
            seen.add((key, binding.description))
            rows.append((where, key, binding.description))
    return rows


class HelpScreen(ModalScreen[None]):
    """A table of the bindings; any of escape, q or f1 closes it."""

    BINDINGS = [
        Binding("escape,q,f1", "dismiss", "Close help", id="help-close"),
    ]

    def __init__(self, below: Screen[object]) -> None:
        super().__init__()
        self._below = below

    def compose(self) -> ComposeResult:
        yield Static(
            "Keys  (ctrl+p opens the command palette; every action is also there)", id="help-title"
        )
        yield DataTable(id="help-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("where", "key", "action")
        for row in binding_rows(self._below):
            table.add_row(*row)
