"""The Keys screen lists the rate limits learned for each provider's key, with their age."""

from __future__ import annotations

import time

from textual.widgets import Static

from fiedler_tui.core.config.loader import load_config
from fiedler_tui.core.keys import KeyStore
from fiedler_tui.core.locations import user_state_dir
from fiedler_tui.core.ratelimits import LearnedLimitsStore, ObservedLimits
from fiedler_tui.core.settings import Settings
from fiedler_tui.tui.app import FiedlerApp
from fiedler_tui.tui.screens.keys import KeysScreen

from ..conftest import MemoryKeyring

KEY = "sk-ant-env-limits-0001"


async def test_learned_limits_of_the_key_in_use_are_shown(memory_keyring: MemoryKeyring) -> None:
    store = LearnedLimitsStore(user_state_dir() / "rate-limits.json")
    store.record(
        "anthropic",
        KEY,
        ObservedLimits(
            input_tokens_per_minute=30_000,
            output_tokens_per_minute=8_000,
            requests_per_minute=50,
            seen_at=time.time() - 400,
        ),
    )
    store.record(
        "openai", "sk-another-key", ObservedLimits(tokens_per_minute=1, seen_at=time.time())
    )
    store.save()
    app = FiedlerApp(
        settings=Settings.from_env({}),
        config=load_config(None, {}),
        keystore=KeyStore(env={"ANTHROPIC_API_KEY": KEY, "OPENAI_API_KEY": "sk-openai-0002"}),
        start_screen=False,
    )
    async with app.run_test(size=(160, 30)) as pilot:
        await pilot.press("f2")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, KeysScreen)
        text = str(screen.query_one("#keys-help", Static).render())
    assert text == (
        "rate limits of anthropic: learned 6 min ago: 30,000 input tokens/min, "
        "8,000 output tokens/min, 50 requests/min"
    )  # openai's record is another key's: not this one's limits
