"""Snapshots of screens at a fixed size (pytest-textual-snapshot; update with --snapshot-update)."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from fiedler_tui.core.config.loader import load_config
from fiedler_tui.core.keys import SERVICE, KeyStore
from fiedler_tui.core.settings import Settings
from fiedler_tui.tui.app import FiedlerApp

from ..conftest import MemoryKeyring

SIZE = (110, 24)


def test_keys_screen(snap_compare: Any, memory_keyring: MemoryKeyring) -> None:
    memory_keyring.set_password(SERVICE, "openai", "sk-snapshot-0001")
    app = FiedlerApp(
        settings=Settings.from_env({}),
        config=load_config(None, {}),
        keystore=KeyStore(env={"GEMINI_API_KEY": "AIza-snapshot"}),
        start_screen=False,
    )

    async def open_keys(pilot: Pilot[None]) -> None:
        await pilot.press("f2")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, run_before=open_keys, terminal_size=SIZE)
