"""What every subcommand receives: settings, the config (loaded on first use), output streams."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import TextIO

from fiedler_tui.core.config import Config, load_config
from fiedler_tui.core.settings import Settings


@dataclass
class CommandContext:
    settings: Settings
    config_path: str | None = None
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    _config: Config | None = None

    @property
    def config(self) -> Config:
        """models.yaml, found by the lookup order and validated (ConfigError on problems)."""
        if self._config is None:
            self._config = load_config(self.config_path)
        return self._config

    def out(self, text: str = "") -> None:
        print(text, file=self.stdout)

    def err(self, text: str = "") -> None:
        print(text, file=self.stderr)
