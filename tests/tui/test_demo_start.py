"""`fiedler --demo`: Compose shows first, the simulated models arrive once the simulator runs."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import SelectionList

from fiedler_tui.core.settings import Settings
from fiedler_tui.tui.app import DEMO_SUBTITLE, FiedlerApp
from fiedler_tui.tui.screens.compose import ComposeScreen

from .test_compose import settle


async def test_the_demo_lists_its_models_once_its_simulator_runs(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text("print('hi')\n")
    settings = Settings(allowed_roots=(tmp_path,), output_dir=tmp_path / "runs")
    app = FiedlerApp(settings=settings, demo=True)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        assert isinstance(screen, ComposeScreen)
        config = await app.wait_for_config()
        await settle(pilot)
        models = screen.query_one("#models", SelectionList)
        listed = [str(models.get_option_at_index(i).value) for i in range(models.option_count)]
        assert listed == list(config.models) and len(listed) == 5
        assert all(name.startswith("demo-") for name in listed)
        assert screen.aliases == tuple(m.name for m in config.default_models())
        assert "the demo's models are still starting" not in screen.send_problems()
        assert models.border_subtitle == ""
        assert app.sub_title == DEMO_SUBTITLE
        provider = next(iter(config.providers.values()))
        assert provider.base_url.startswith("http://127.0.0.1:")  # the loopback simulator
