"""What every subcommand receives: settings, the config (loaded on first use), output streams.

Every command prints through :meth:`CommandContext.out` and :meth:`CommandContext.err`: terminal
controls in the text are shown as visible escapes and a closed pipe is dropped quietly (see
:mod:`fiedler_tui.commands.terminal_output`). With ``--demo`` the config is the demo's, served by
its simulator (see :mod:`fiedler_tui.commands.demo`).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from fiedler_tui.commands.terminal_output import write_line
from fiedler_tui.core.settings import Settings

if TYPE_CHECKING:  # imported when first used: opening the app must not wait for them
    from fiedler_tui.commands.demo import RunningDemo
    from fiedler_tui.core.config.schema import Config
    from fiedler_tui.core.keys import KeyStore, ResolvedKey


@dataclass
class CommandContext:
    settings: Settings
    config_path: str | None = None
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    demo: bool = False
    """Use the demo's simulated models instead of models.yaml."""
    _config: Config | None = None
    _demo: RunningDemo | None = None
    _keystore: KeyStore | None = None

    @property
    def config(self) -> Config:
        """models.yaml, found by the lookup order and validated (ConfigError on problems); with
        ``demo``, the demo's, its simulator started now and running until :meth:`close`."""
        if self._config is None:
            if self.demo:
                from fiedler_tui.commands.demo import RunningDemo

                self._demo = RunningDemo()
                self._config = self._demo.config
            else:
                from fiedler_tui.core.config.loader import load_config

                self._config = load_config(self.config_path)
        return self._config

    def close(self) -> None:
        """Stop what the command started (the demo's simulator)."""
        if self._demo is not None:
            self._demo.close()
            self._demo = None

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
        """A line on standard output, controls escaped."""
        write_line(self.stdout, text)

    def err(self, text: str = "") -> None:
        """A line on standard error, controls escaped."""
        write_line(self.stderr, text)
