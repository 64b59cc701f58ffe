"""`fiedler --demo`: Compose shows first, the simulated models arrive once the simulator runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import SelectionList

from fiedler_tui.core.settings import Settings
from fiedler_tui.tui.app import DEMO_SUBTITLE, FiedlerApp
from fiedler_tui.tui.screens.compose import ComposeScreen
from fiedler_tui.tui.screens.keys import KeysScreen

from .test_compose import settle


async def test_the_demo_lists_its_models_once_its_simulator_runs(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text("print('hi')\n")
    settings = Settings(allowed_roots=(tmp_path,), output_dir=tmp_path / "runs")
    app = FiedlerApp(settings=settings, demo=True)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        assert isinstance(screen, ComposeScreen)
        assert app.screen_stack == [screen]  # the base screen, no blank one beneath
        config = await app.wait_for_config()
        assert config is not None, app.config_problem
        await settle(pilot)
        models = screen.query_one("#models", SelectionList)
        listed = [str(models.get_option_at_index(i).value) for i in range(models.option_count)]
        assert listed == list(config.models) and len(listed) == 5
        assert all(name.startswith("demo-") for name in listed)
        assert screen.aliases == tuple(m.name for m in config.default_models())
        assert "the demo's models are still starting" not in screen.send_problems()
        assert models.border_subtitle == f"{len(screen.aliases)} selected"  # not "loading…"
        assert app.sub_title == DEMO_SUBTITLE
        provider = next(iter(config.providers.values()))
        assert provider.base_url.startswith("http://127.0.0.1:")  # the loopback simulator


async def test_a_demo_that_cannot_start_says_why_and_the_app_stays_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fiedler_tui.core.simulator.demo import DemoEnvironment

    async def no_port(self: DemoEnvironment) -> DemoEnvironment:
        raise OSError(98, "Address already in use")

    monkeypatch.setattr(DemoEnvironment, "__aenter__", no_port)
    settings = Settings(allowed_roots=(tmp_path,), output_dir=tmp_path / "runs")
    app = FiedlerApp(settings=settings, demo=True)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        assert isinstance(screen, ComposeScreen)
        assert await app.wait_for_config() is None
        await settle(pilot)
        assert app.is_running
        assert app.config_problem is not None and "Address already in use" in app.config_problem
        assert app.config_problem in screen.send_problems()
        assert screen.query_one("#models", SelectionList).border_subtitle == "demo not started"
        assert any("could not start" in n.message for n in app._notifications)
        await pilot.press("f2")  # Keys needs the models' providers: refused with the reason
        assert not isinstance(app.screen, KeysScreen)
