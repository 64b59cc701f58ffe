"""Help: every key of the screen below, of its areas and of the app, in a user's words.

The rows come from the bindings themselves (so a new binding shows up here), with the keys
settings.toml's ``[keymap]`` gives them and the id it remaps them by, named by the screen and
area a user sees ("Compose", "Files"), never by class; Textual's own keys (tab, ctrl+q, ctrl+p,
ctrl+c) and the keys of the plain widgets (the model list, the prompt, the tree) are said in
words here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import DataTable, SelectionList, Static, TextArea, Tree

from fiedler_tui.tui.safe_text import plain

EVERYWHERE = "Everywhere"
TABLE_WIDTH_PERCENT = 90
"""The table's share of the screen's width (app.tcss)."""
TABLE_CHROME = 2 + 2 + 3 * 2
"""Border, vertical scrollbar and each column's padding."""
MIN_WHAT_WIDTH = 20

TEXTUAL_WORDS: dict[str, str] = {
    "app.focus_next": "Move to the next area",
    "app.focus_previous": "Move to the previous area",
    "screen.copy_text": "Copy the selected text (ctrl+c never quits)",
    "quit": "Quit fiedler",
    "app.quit": "Quit fiedler",
}
"""Textual's own bindings, said for a user; those not named here (and with no description of
their own) are not listed."""

AREA_NAMES: dict[str, str] = {
    "FilePicker": "Files",
    "RunText": "Output panes",
    "OutputPane": "Output panes",
    "MarkdownView": "Output panes",
}
"""Widgets of this project by the name of the area a user sees."""

PLAIN_WIDGET_KEYS: list[tuple[type[Widget], str, tuple[tuple[str, str], ...]]] = [
    (
        SelectionList,
        "Models",
        (
            ("space", "Select or deselect the highlighted model"),
            ("click", "Select or deselect a model"),
            ("↑/↓", "Move the highlight"),
        ),
    ),
    (
        Tree,
        "Files",
        (
            ("↑/↓", "Move the cursor"),
            ("enter", "Open or close a folder; select or deselect a file"),
            ("click", "Select or deselect a file; open or close a folder"),
        ),
    ),
    (TextArea, "Prompt", (("type", "Write the prompt (it is sent as typed)"),)),
]
"""What the keys of Textual's plain widgets do here, for the areas that use them."""


def screen_name(screen: DOMNode) -> str:
    """The name a user knows a screen by: its palette prefix, else its class without 'Screen'."""
    prefix = getattr(screen, "PALETTE_PREFIX", "")
    if isinstance(prefix, str) and prefix:
        return prefix
    name = type(screen).__name__
    return name.removesuffix("Screen") or name


def active_keymap(app: App[Any]) -> dict[str, str]:
    """settings.toml's ``[keymap]`` the app applies: binding id -> keys (comma-separated)."""
    settings = getattr(app, "settings", None)
    return dict(getattr(settings, "keymap", ()))


def _own_bindings(
    node: DOMNode, *, textual_too: bool, keymap: Mapping[str, str] | None = None
) -> Iterator[Binding]:
    """The bindings declared by ``node``'s classes, most specific first (Textual's classes only
    when ``textual_too``), with the keys ``keymap`` gives their ids instead of their own."""
    keymap = keymap or {}
    remapped: set[str] = set()
    for cls in type(node).__mro__:
        declared = cls.__dict__.get("BINDINGS")
        if not declared:
            continue
        if not textual_too and not cls.__module__.startswith("fiedler_tui"):
            continue
        for binding in Binding.make_bindings(declared):
            keys = keymap.get(binding.id) if binding.id else None
            if keys is None:
                yield binding
            elif binding.id not in remapped:
                remapped.add(binding.id or "")
                for key in keys.split(","):
                    yield binding.with_key(key=key, key_display=None)


def _words(binding: Binding) -> str:
    """What a binding does, in words: Textual's own are rephrased; a tooltip adds detail."""
    if binding.action in TEXTUAL_WORDS:
        return TEXTUAL_WORDS[binding.action]
    if not binding.description:
        return ""
    if binding.tooltip and binding.tooltip.lower() != binding.description.lower():
        return f"{binding.description}: {binding.tooltip}"
    return binding.description


def key_words(app: App[Any], binding: Binding) -> str:
    """A binding's key as a user types it: "ctrl+s" (not "^s"), "/", "esc", "shift+↑"."""
    shown = binding.key_display or app.get_key_display(binding) or binding.key
    return "ctrl+" + shown[1:] if shown.startswith("^") and len(shown) > 1 else shown


def _numbered(key: str, what: str) -> tuple[str, str]:
    """``1`` ``Pane 1`` as ``n`` ``Pane n``, so the nine of them share a row."""
    if key.isdigit() and what.endswith(f" {key}"):
        return "n", what[: -len(key)] + "n"
    return key, what


def binding_rows(screen: Screen[object]) -> list[tuple[str, str, str]]:
    """(where, keys, what they do) for the screen, then its areas, then the whole app; keys
    doing the same thing in the same place share a row."""
    app = screen.app
    grouped: dict[tuple[str, str], list[str]] = {}
    seen: set[tuple[str, str]] = set()
    shadowed: set[str] = set()
    """Keys a screen or area already uses (the app's binding of that key then is not listed)."""

    def add(where: str, key: str, what: str, binding_id: str | None = None) -> None:
        if what and (where, key) not in seen:
            seen.add((where, key))
            shown, what = _numbered(key, what)
            if binding_id:  # the id [keymap] remaps it by; run-pane-1..9 as run-pane-n
                numbered = shown != key and binding_id.endswith(key)
                what += f" (id: {binding_id.removesuffix(key) + shown if numbered else binding_id})"
            grouped.setdefault((where, what), []).append(key)

    def add_bindings(where: str, bindings: Iterable[Binding]) -> None:
        for binding in bindings:
            if binding.action == "help_quit":
                continue
            key = key_words(app, binding)
            if key in shadowed and where == EVERYWHERE:
                continue
            add(where, key, _words(binding), binding.id)
            if where != EVERYWHERE:
                shadowed.add(key)

    keymap = active_keymap(app)
    name = screen_name(screen)
    add_bindings(
        name,
        (
            b
            for b in _own_bindings(screen, textual_too=False, keymap=keymap)
            if b.action not in TEXTUAL_WORDS
        ),
    )
    for widget in screen.query("*"):
        area = AREA_NAMES.get(type(widget).__name__)
        if area is not None:
            add_bindings(f"{name}: {area}", _own_bindings(widget, textual_too=False, keymap=keymap))
        for kind, plain_area, keys in PLAIN_WIDGET_KEYS:
            if isinstance(widget, kind):
                where = f"{name}: {AREA_NAMES.get(type(widget).__name__, plain_area)}"
                for key, what in keys:
                    add(where, key, what)
                break
    add_bindings(EVERYWHERE, _own_bindings(app, textual_too=True, keymap=keymap))
    add(EVERYWHERE, app.COMMAND_PALETTE_BINDING, "Open the command palette: every action by name")
    add_bindings(
        EVERYWHERE,
        (
            b
            for b in _own_bindings(screen, textual_too=True, keymap=keymap)
            if b.action in TEXTUAL_WORDS
        ),
    )
    return [(where, _keys_text(keys), what) for (where, what), keys in grouped.items()]


def _keys_text(keys: list[str]) -> str:
    """``1 / 2 / … / 9`` as ``1-9``; other keys joined with `` / ``."""
    if len(keys) > 2 and all(k.isdigit() for k in keys):
        return f"{keys[0]}-{keys[-1]}"
    return " / ".join(keys)


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
            f"Keys of {screen_name(self._below)} and of the whole app  (escape closes this)",
            id="help-title",
        )
        yield DataTable(id="help-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        """Rows wrap their description to the width left by the other columns, so nothing is
        cut on a narrow terminal (80 columns)."""
        table = self.query_one(DataTable)
        rows = binding_rows(self._below)
        where = max([len("where"), *(len(r[0]) for r in rows)])
        keys = max([len("key"), *(len(r[1]) for r in rows)])
        table_width = self.app.size.width * TABLE_WIDTH_PERCENT // 100
        what = max(MIN_WHAT_WIDTH, table_width - TABLE_CHROME - where - keys)
        table.add_column("where", width=where)
        table.add_column("key", width=keys)
        table.add_column("what it does", width=what)
        for row in rows:
            table.add_row(*(plain(cell) for cell in row), height=None)
