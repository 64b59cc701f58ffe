"""Defaults a user saved (``fiedler_set_models``, ``fiedler_set_output``), for every front end.

``defaults.json`` in the user config dir (``~/.config/fiedler/`` on Linux) holds the models
selected when none is named and the folder runs are saved in. models.yaml's ``default:`` flags
give way to the saved models (:func:`apply_saved_models`, applied when models.yaml is loaded;
saved names it does not know are ignored, and when it knows none of them its own defaults
stay); ``FIEDLER_OUTPUT_DIR`` wins over the saved folder. A missing or unreadable file means no
saved defaults.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fiedler_tui.core.locations import user_config_dir

if TYPE_CHECKING:
    from fiedler_tui.core.config.schema import Config

DEFAULTS_FILE_NAME = "defaults.json"


def defaults_path() -> Path:
    return user_config_dir() / DEFAULTS_FILE_NAME


@dataclass
class SavedDefaults:
    models: list[str] = field(default_factory=list)
    output_dir: str | None = None

    @classmethod
    def load(cls) -> SavedDefaults:
        try:
            data = json.loads(defaults_path().read_text("utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(data, dict):
            return cls()
        models = data.get("models")
        output = data.get("output_dir")
        return cls(
            models=[m for m in models if isinstance(m, str)] if isinstance(models, list) else [],
            output_dir=output if isinstance(output, str) and output else None,
        )

    def save(self) -> Path:
        """Write the file (0600, its folder 0700), replacing it atomically."""
        from fiedler_tui.core.store.private_files import atomic_write_json

        path = defaults_path()
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        data: dict[str, Any] = {"version": 1, "models": self.models, "output_dir": self.output_dir}
        atomic_write_json(path, data)
        return path


def apply_saved_models(config: Config, saved: SavedDefaults | None = None) -> Config:
    """``config`` with the saved default models marked ``default`` instead of its own."""
    names = (saved or SavedDefaults.load()).models
    chosen: set[str] = set()
    for name in names:
        for model in config.models.values():
            if name in model.all_names:
                chosen.add(model.name)
    if not chosen:
        return config
    models = {
        key: model.model_copy(update={"default": model.name in chosen})
        for key, model in config.models.items()
    }
    return config.model_copy(update={"models": models})
