"""What every subcommand receives: settings, the config (loaded on first use), output streams."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from fiedler_tui.core.settings import Settings

if TYPE_CHECKING:  # imported when first used: opening the app must not wait for them
    from fiedler_tui.core.config.schema import Config
    from fiedler_tui.core.keys import KeyStore, ResolvedKey


@dataclass
class CommandContext:
    settings: Settings
    config_path: str | None = None
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    _config: Config | None = None
    _keystore: KeyStore | None = None

    @property
    def config(self) -> Config:
        """models.yaml, found by the lookup order and validated (ConfigError on problems)."""
        if self._config is None:
            from fiedler_tui.core.config.loader import load_config

            self._config = load_config(self.config_path)
        return self._config

    @property
    def keystore(self) -> KeyStore:
        if self._keystore is None:
            from fiedler_tui.core.keys import KeyStore

            self._keystore = KeyStore(require_secure=self.settings.require_secure_keyring)
        return self._keystore

    def resolve_keys(self) -> dict[str, ResolvedKey]:
        """Every provider's key, with the values found registered for log redaction."""
        from fiedler_tui.core.keys import secret_values
        from fiedler_tui.core.logs import register_secrets

        resolved = self.keystore.resolve_all(self.config)
        register_secrets(secret_values(resolved.values()))
        return resolved

    def out(self, text: str = "") -> None:
        print(text, file=self.stdout)

    def err(self, text: str = "") -> None:
        print(text, file=self.stderr)
