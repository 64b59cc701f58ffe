"""Every screen at 80x24 (update with --snapshot-update): the tree keeps at least 6 rows, the
budget's status and cost columns and the footer's esc Back and f1 Help stay visible."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Static, TextArea

from fiedler_tui.core.config.loader import load_config, parse_config
from fiedler_tui.core.keys import SERVICE, KeyStore
from fiedler_tui.core.settings import Settings
from fiedler_tui.core.store.run_store import RunStore
from fiedler_tui.tui.app import FiedlerApp
from fiedler_tui.tui.screens.history import HistoryScreen
from fiedler_tui.tui.screens.run import RunScreen

from ..conftest import MemoryKeyring
from .test_compose import CONFIG_TEXT, make_app, select_file, settle
from .test_history import save_run
from .test_run_screen_support import run_world, wait_until
from .test_snapshots_run import MODELS

SMALL = (80, 24)
FIVE_MODELS = CONFIG_TEXT + "".join(
    f"""
  review-{name}:
    provider: openai
    model: gpt-{name}
    context_window: 128000
    max_completion_tokens: 1000
    tokenizer: o200k_base
    default: true
"""
    for name in ("fast", "deep", "wide")
)


def small_project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "src").mkdir(parents=True)
    (root / "src" / "main.py").write_text("def main() -> None:\n    print('hello')\n" * 30)
    for name in ("cli.py", "config.py", "store.py", "views.py"):
        (root / "src" / name).write_text("X = 1\n")
    (root / "README.md").write_text("# project\n")
    (root / "settings.py").write_text(
        'API_KEY = "sk-proj-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a"\n'
    )
    return root


def test_compose_at_80x24(snap_compare: Any, tmp_path: Path) -> None:
    app = make_app(small_project(tmp_path), config=parse_config(FIVE_MODELS, "test"))

    async def prepare(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await select_file(pilot, "main.py")
        await select_file(pilot, "settings.py")
        prompt = pilot.app.screen.query_one("#prompt", TextArea)
        prompt.cursor_blink = False
        prompt.text = "Review these files."
        prompt.focus()
        await settle(pilot)

    assert snap_compare(app, run_before=prepare, terminal_size=SMALL)


def test_history_at_80x24(snap_compare: Any, tmp_path: Path) -> None:
    root = small_project(tmp_path)
    store = RunStore(root.parent / "runs")
    for day in (1, 2):
        save_run(store, datetime(2026, 11, day, 10, tzinfo=UTC), {"roomy": "A", "guess": "B"})
    app = make_app(root, start=HistoryScreen)

    async def prepare(pilot: Pilot[None]) -> None:
        await settle(pilot)
        help_line = pilot.app.screen.query_one("#history-help", Static)
        assert str(help_line.render()).startswith("runs in ")
        help_line.update("runs in RUNS")  # the test's folder changes at every run
        await pilot.pause()

    assert snap_compare(app, run_before=prepare, terminal_size=SMALL)


def test_keys_at_80x24(snap_compare: Any, memory_keyring: MemoryKeyring) -> None:
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

    assert snap_compare(app, run_before=open_keys, terminal_size=SMALL)


def test_help_at_80x24(snap_compare: Any, tmp_path: Path) -> None:
    app = make_app(small_project(tmp_path))

    async def open_help(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()

    assert snap_compare(app, run_before=open_help, terminal_size=SMALL)


def test_finished_run_at_80x24(snap_compare: Any, tmp_path: Path) -> None:
    app = FiedlerApp(
        settings=Settings.from_env({"FIEDLER_NO_DISK": "1"}),
        config=load_config(None, {}),
        keystore=KeyStore(env={}),
        start_screen=False,
    )

    async def run(pilot: Pilot[None]) -> None:
        async with run_world(tmp_path, MODELS, {"sim-gemini": {"max_retries": 0}}) as world:
            session = world.session([m.name for m in MODELS])
            screen = RunScreen(session, show_timings=False)
            await pilot.app.push_screen(screen)
            await wait_until(pilot, lambda: screen.finished)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, run_before=run, terminal_size=SMALL)
