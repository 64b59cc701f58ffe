"""Named model sets ("frontier", "cheap"): saved from Compose, used as ``-m @NAME``.

``model-sets.json`` in the user config dir (``~/.config/fiedler/`` on Linux; file 0600) maps a
set's name to the model names it holds. Wherever models are named (``-m`` on every command,
MCP's ``models``), ``@NAME`` stands for the set's models, in order; an unknown set is a
:class:`ModelSetError` naming the sets there are. A missing or unreadable file holds no sets.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

from fiedler_tui.core.errors import UsageError
from fiedler_tui.core.locations import user_config_dir

MODEL_SETS_FILE_NAME = "model-sets.json"
SET_PREFIX = "@"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
NAME_RULE = "1 to 40 letters, digits, '-', '_' or '.', starting with a letter or digit"


class ModelSetError(UsageError):
    """An unknown set, or a name a set cannot have."""

    title = "Model set error"


def model_sets_path() -> Path:
    return user_config_dir() / MODEL_SETS_FILE_NAME


def load_model_sets(path: Path | None = None) -> dict[str, list[str]]:
    """Every saved set, name -> model names (entries that are not lists of names are skipped)."""
    try:
        data = json.loads((path or model_sets_path()).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    sets = data.get("sets") if isinstance(data, dict) else None
    if not isinstance(sets, dict):
        return {}
    return {
        name: [m for m in models if isinstance(m, str)]
        for name, models in sets.items()
        if isinstance(name, str) and isinstance(models, list)
    }


def check_set_name(name: str) -> str:
    """``name`` without a leading ``@``; ModelSetError when a set cannot be called so."""
    bare = name.strip().removeprefix(SET_PREFIX)
    if not NAME_PATTERN.match(bare):
        raise ModelSetError(f"model set name {name!r}: expected {NAME_RULE}")
    return bare


def save_model_set(name: str, models: Iterable[str], path: Path | None = None) -> Path:
    """Save (or replace) the set ``name`` holding ``models``; the file is written owner-only,
    replaced atomically."""
    from fiedler_tui.core.store.private_files import atomic_write_json, make_private_dir

    bare = check_set_name(name)
    chosen = list(dict.fromkeys(models))
    if not chosen:
        raise ModelSetError(f"model set @{bare}: choose at least one model to save in it")
    target = path or model_sets_path()
    sets = load_model_sets(target)
    sets[bare] = chosen
    make_private_dir(target.parent)
    atomic_write_json(target, {"version": 1, "sets": dict(sorted(sets.items()))})
    return target


def delete_model_set(name: str, path: Path | None = None) -> bool:
    """Remove the set ``name``; False when there was none."""
    from fiedler_tui.core.store.private_files import atomic_write_json

    bare = name.strip().removeprefix(SET_PREFIX)
    target = path or model_sets_path()
    sets = load_model_sets(target)
    if bare not in sets:
        return False
    del sets[bare]
    atomic_write_json(target, {"version": 1, "sets": sets})
    return True


def expand_model_names(names: Iterable[str], path: Path | None = None) -> list[str]:
    """``names`` with each ``@NAME`` replaced by its set's models (duplicates dropped, order
    kept); an unknown set raises ModelSetError naming the saved ones."""
    listed = list(names)
    if not any(n.startswith(SET_PREFIX) for n in listed):
        return listed
    sets = load_model_sets(path)
    expanded: list[str] = []
    for name in listed:
        if not name.startswith(SET_PREFIX):
            expanded.append(name)
            continue
        bare = name.removeprefix(SET_PREFIX)
        if bare not in sets:
            saved = ", ".join(SET_PREFIX + s for s in sorted(sets)) or "none yet"
            raise ModelSetError(
                f"unknown model set {name} (saved sets: {saved}; save one from Compose with "
                f"ctrl+g, or with fiedler sets save NAME -m ALIAS...)"
            )
        expanded.extend(sets[bare])
    return list(dict.fromkeys(expanded))
