"""Where fiedler keeps its files on this machine (platformdirs: XDG directories on Linux)."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "fiedler"


def _dirs() -> platformdirs.PlatformDirs:
    # Built on each call: platformdirs reads XDG_* at call time, which tests rely on.
    return platformdirs.PlatformDirs(APP_NAME, appauthor=False)


def user_config_dir() -> Path:
    """``~/.config/fiedler`` on Linux; holds a user models.yaml and themes/."""
    return Path(_dirs().user_config_dir)


def user_data_dir() -> Path:
    """``~/.local/share/fiedler`` on Linux; holds saved runs."""
    return Path(_dirs().user_data_dir)


def user_state_dir() -> Path:
    """``~/.local/state/fiedler`` on Linux; holds the log file and UI preferences."""
    return Path(_dirs().user_state_dir)
