"""The app reads models.yaml after its first frame; a broken file is shown in the app, with lines."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import SelectionList

from fiedler_tui.core.keys import KeyStore
from fiedler_tui.core.settings import Settings
from fiedler_tui.tui.app import FiedlerApp
from fiedler_tui.tui.screens.compose import ComposeScreen

from .test_compose import CONFIG_TEXT, settle

BROKEN = """\
version: 1
providers:
  openai:
    kind: openai
    base_url: https://api.openai.com/v1
models:
  roomy:
    provider: openai
    model: gpt-roomy
    context_window: lots
    max_completion_tokens: 1000
"""


def make_app(root: Path, config_path: Path) -> FiedlerApp:
    (root / "main.py").write_text("print('hi')\n")
    settings = Settings(allowed_roots=(root,), output_dir=root / "runs")
    return FiedlerApp(settings=settings, config_path=str(config_path), keystore=KeyStore(env={}))


async def test_models_yaml_is_read_after_the_first_frame_and_listed(tmp_path: Path) -> None:
    path = tmp_path / "models.yaml"
    path.write_text(CONFIG_TEXT)
    app = make_app(tmp_path, path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        assert isinstance(screen, ComposeScreen)
        config = await app.wait_for_config()
        assert config is not None, app.config_problem
        await settle(pilot)
        models = screen.query_one("#models", SelectionList)
        listed = [str(models.get_option_at_index(i).value) for i in range(models.option_count)]
        assert listed == ["roomy", "guess", "tiny"]
        assert screen.aliases == ("roomy", "guess")  # the file's defaults
        assert models.border_subtitle == "2 selected"
        assert screen.result is not None  # the preview ran once the models came
        assert app.config_problem is None


async def test_a_broken_models_yaml_is_shown_with_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "models.yaml"
    path.write_text(BROKEN)
    app = make_app(tmp_path, path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        assert isinstance(screen, ComposeScreen)
        assert await app.wait_for_config() is None
        await settle(pilot)
        assert app.is_running  # the app stays up: nothing typed so far is lost
        problem = app.config_problem
        assert problem is not None
        assert f"{path}:10: models.roomy.context_window:" in problem
        assert problem in screen.send_problems()
        models = screen.query_one("#models", SelectionList)
        assert models.option_count == 0 and models.border_subtitle == "none: see below"
        assert any(f"{path}:10" in n.message for n in app._notifications)
        await pilot.press("f2")  # Keys needs the providers: refused with the reason
        assert app.screen is screen


async def test_a_missing_models_yaml_says_which_path(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "models.yaml"
    app = make_app(tmp_path, path)
    async with app.run_test(size=(120, 36)) as pilot:
        assert await app.wait_for_config() is None
        await settle(pilot)
        assert app.config_problem is not None and str(path) in app.config_problem
        assert app.is_running
