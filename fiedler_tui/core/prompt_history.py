"""Prompts sent, kept for recall in Compose, only when the user opted into saving prompts.

``prompt-history.json`` in the user state dir (``~/.local/state/fiedler/`` on Linux; file 0600,
replaced atomically) holds the last :data:`MAX_ENTRIES` prompts sent, newest first, each once.
It is read and written only with ``FIEDLER_SAVE_PROMPT=1`` (or ``save_prompt = true`` in
settings.toml) and never with ``FIEDLER_NO_DISK=1``: otherwise no prompt is stored anywhere.
A prompt longer than :data:`MAX_PROMPT_CHARS` is not kept.
"""

from __future__ import annotations

import json
from pathlib import Path

from fiedler_tui.core.locations import user_state_dir
from fiedler_tui.core.settings import Settings

HISTORY_FILE_NAME = "prompt-history.json"
MAX_ENTRIES = 200
MAX_PROMPT_CHARS = 100_000


def prompt_history_path() -> Path:
    return user_state_dir() / HISTORY_FILE_NAME


def history_enabled(settings: Settings) -> bool:
    """Prompts are kept only when saving them was opted into, and the disk may be written."""
    return settings.save_prompt and not settings.no_disk


def load_prompt_history(settings: Settings, path: Path | None = None) -> list[str]:
    """The prompts kept, newest first (none when history is off or the file is unreadable)."""
    if not history_enabled(settings):
        return []
    try:
        data = json.loads((path or prompt_history_path()).read_text("utf-8"))
    except (OSError, ValueError):
        return []
    prompts = data.get("prompts") if isinstance(data, dict) else None
    if not isinstance(prompts, list):
        return []
    return [p for p in prompts if isinstance(p, str)][:MAX_ENTRIES]


def add_to_prompt_history(settings: Settings, prompt: str, path: Path | None = None) -> bool:
    """Put ``prompt`` first (once); False, with nothing written, when history is off or the
    prompt is empty or too long."""
    if not history_enabled(settings) or not prompt.strip() or len(prompt) > MAX_PROMPT_CHARS:
        return False
    from fiedler_tui.core.store.private_files import atomic_write_json, make_private_dir

    target = path or prompt_history_path()
    kept = [p for p in load_prompt_history(settings, target) if p != prompt]
    make_private_dir(target.parent)
    atomic_write_json(target, {"version": 1, "prompts": [prompt, *kept][:MAX_ENTRIES]})
    return True
