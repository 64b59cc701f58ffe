"""UI preferences that persist between sessions (the chosen theme), in the user state dir."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from fiedler_tui.core.locations import user_state_dir


@dataclass
class Preferences:
    theme: str | None = None

    @staticmethod
    def path() -> Path:
        return user_state_dir() / "preferences.json"

    @classmethod
    def load(cls) -> Preferences:
        """The saved preferences; defaults when the file is missing or unreadable."""
        try:
            raw = json.loads(cls.path().read_text("utf-8"))
        except (OSError, ValueError):
            return cls()
        theme = raw.get("theme") if isinstance(raw, dict) else None
        return cls(theme=theme if isinstance(theme, str) else None)

    def save(self) -> None:
        """Write owner-only; a failure to save a preference is not worth interrupting anyone.
        (Saved from a worker thread: the writer is imported here, not before the first frame.)"""
        from fiedler_tui.core.store.private_files import atomic_write_json, make_private_dir

        path = self.path()
        try:
            make_private_dir(path.parent)
            atomic_write_json(path, asdict(self))
        except OSError:
            pass
