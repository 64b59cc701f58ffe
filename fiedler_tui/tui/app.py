"""The Textual app: registers themes, holds shared core objects, opens screens. Nothing more."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import Theme

from fiedler_tui.core.config.schema import Config
from fiedler_tui.core.keys import KeyStore
from fiedler_tui.core.settings import Settings
from fiedler_tui.tui.preferences import Preferences
from fiedler_tui.tui.screens.help import HelpScreen
from fiedler_tui.tui.screens.keys import KeysScreen
from fiedler_tui.tui.themes import DEFAULT_THEME, load_themes


class FiedlerApp(App[None]):
    """fiedler's terminal UI. Screens live in ``tui/screens``; business logic in ``core``."""

    TITLE = "fiedler"
    CSS_PATH = "app.tcss"
    BINDINGS = [
        Binding("f1", "help", "Help", id="help"),
        Binding("f2", "keys", "Keys", id="keys"),
    ]

    def __init__(self, *, settings: Settings, config: Config, keystore: KeyStore) -> None:
        super().__init__()
        self.settings = settings
        self.config = config
        self.keystore = keystore
        self._theme_failures: list[str] = []

    def on_mount(self) -> None:
        self._install_themes()
        self.theme_changed_signal.subscribe(self, self._remember_theme)

    def _install_themes(self) -> None:
        loaded = load_themes()
        for theme in loaded.themes:
            self.register_theme(theme)
        self._theme_failures = loaded.failures
        if loaded.failures:
            self.notify(
                "\n".join(loaded.failures),
                title="Some theme files were skipped",
                severity="warning",
                timeout=15,
                markup=False,
            )
        wanted = Preferences.load().theme or DEFAULT_THEME
        self.theme = wanted if wanted in self.available_themes else DEFAULT_THEME

    def _remember_theme(self, theme: Theme) -> None:
        prefs = Preferences.load()
        if prefs.theme != theme.name:
            prefs.theme = theme.name
            prefs.save()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Keys", "Where each provider's key comes from", self.action_keys)
        yield SystemCommand("Help", "Every key binding", self.action_help)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_keys(self) -> None:
        if not isinstance(self.screen, KeysScreen):
            self.push_screen(KeysScreen(self.config, self.keystore))
