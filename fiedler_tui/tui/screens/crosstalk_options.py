"""The crosstalk options form: paradigm, rounds, chair and personas, all by keyboard.

tab moves between the fields, ctrl+s (or enter in a text field) applies, escape leaves them as
they were. Rounds left empty take the paradigm's default; the chair may be any model (a chair
that is also a member is said to be one); personas are ``ALIAS=ROLE`` or ``ALIAS=FILE``, separated
by commas. The plan itself is checked with the next preview (the budget says what is wrong).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Select, Static

from fiedler_tui.tui.safe_text import plain, visible
from fiedler_tui.tui.widgets.crosstalk_mode import PARADIGMS, CrosstalkSettings, parse_personas

NO_CHAIR = ""


class CrosstalkOptionsScreen(ModalScreen[CrosstalkSettings | None]):
    """Edits a copy of the settings; dismisses with it, or None when cancelled."""

    DEFAULT_CSS = """
    CrosstalkOptionsScreen { align: center middle; }
    #xt-form {
        width: 72; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; padding: 0 1; background: $surface;
    }
    #xt-form Label { margin-top: 1; color: $text-muted; }
    #xt-form Input, #xt-form Select { width: 100%; }
    #xt-error { color: $error; height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "apply", "Apply", id="xt-apply", tooltip="Use these options"),
        Binding("escape", "cancel", "Cancel", id="xt-cancel", tooltip="Leave them as they were"),
    ]

    def __init__(self, settings: CrosstalkSettings, models: Sequence[str]) -> None:
        super().__init__()
        self.settings = settings
        self.models = list(models)

    def compose(self) -> ComposeResult:
        settings = self.settings
        with Vertical(id="xt-form"):
            yield Label("Paradigm")
            yield Select(
                [(p, p) for p in PARADIGMS],
                value=settings.paradigm,
                allow_blank=False,
                id="xt-paradigm",
            )
            yield Label("Rounds (empty: the paradigm's default; report always 2)")
            yield Input(
                "" if settings.rounds is None else str(settings.rounds),
                placeholder="default",
                type="integer",
                id="xt-rounds",
            )
            yield Label("Chair (report and memory: the first member when none)")
            options: list[tuple[str, str]] = [
                ("none", NO_CHAIR),
                *((escape(visible(m)), m) for m in self.models),
            ]
            chair = settings.chair if settings.chair in self.models else NO_CHAIR
            yield Select(options, value=chair, allow_blank=False, id="xt-chair")
            yield Label("Personas: ALIAS=ROLE or ALIAS=FILE, comma separated")
            yield Input(
                ", ".join(f"{a}={v}" for a, v in settings.personas.items()),
                placeholder="e.g. gpt-5=security, claude=reviewer.md",
                id="xt-personas",
            )
            yield Static("", id="xt-error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#xt-form").border_title = "Crosstalk options"
        self.query_one("#xt-paradigm").focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_apply()

    def action_apply(self) -> None:
        error = self.query_one("#xt-error", Static)
        rounds_text = self.query_one("#xt-rounds", Input).value.strip()
        try:
            rounds = int(rounds_text) if rounds_text else None
        except ValueError:
            error.update(plain(f"rounds {rounds_text!r}: write a whole number, or leave it empty"))
            return
        try:
            personas = parse_personas(self.query_one("#xt-personas", Input).value)
        except ValueError as exc:
            error.update(plain(str(exc)))
            return
        paradigm = self.query_one("#xt-paradigm", Select).value
        chair = self.query_one("#xt-chair", Select).value
        self.dismiss(
            CrosstalkSettings(
                mode=self.settings.mode,
                paradigm=str(paradigm),
                rounds=rounds,
                chair=str(chair) if isinstance(chair, str) and chair else None,
                personas=personas,
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
