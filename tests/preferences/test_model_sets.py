"""Named model sets: saved from Compose or `fiedler sets`, used as -m @NAME and in MCP's models."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, SelectionList

from fiedler_tui.commands.context import CommandContext
from fiedler_tui.core.keys import KeyStore
from fiedler_tui.core.mcp_tools.arguments import ToolArguments
from fiedler_tui.core.mcp_tools.refusal import ToolRefusal
from fiedler_tui.core.mcp_tools.service import FiedlerTools, McpOptions
from fiedler_tui.core.model_sets import load_model_sets, model_sets_path, save_model_set
from fiedler_tui.core.settings import Settings
from fiedler_tui.tui.screens.compose import ComposeScreen
from fiedler_tui.tui.screens.name_entry import NameEntryScreen
from fiedler_tui.tui.screens.pick_one import PickOneScreen
from tests.support.simulated_project import fiedler_process
from tests.tui.test_compose import CONFIG_TEXT, make_app, project, settle  # noqa: F401


def fiedler(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return fiedler_process(
        args, {**os.environ, "FIEDLER_ALLOWED_FILE_ROOTS": str(cwd or Path.cwd())}, cwd
    )


def test_sets_saved_on_the_command_line_expand_in_every_command(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("print('hi')\n")
    saved = fiedler("--demo", "sets", "save", "pair", "-m", "swift", "-m", "steady")
    assert saved.returncode == 0, saved.stderr
    assert model_sets_path().stat().st_mode & 0o777 == 0o600
    listed = fiedler("sets")
    assert "@pair  demo-swift, demo-steady" in listed.stdout
    dry = fiedler(
        "--demo", "dry-run", "app.py", "-p", "review", "-m", "@pair", "--json", cwd=tmp_path
    )
    assert dry.returncode == 0, dry.stderr
    assert [m["model"] for m in json.loads(dry.stdout)["models"]] == ["demo-swift", "demo-steady"]
    crosstalk = fiedler(
        "--demo", "crosstalk", "app.py", "-p", "review", "-m", "@pair", "--dry-run", cwd=tmp_path
    )
    assert crosstalk.returncode == 0, crosstalk.stderr
    assert "demo-swift" in crosstalk.stdout and "demo-steady" in crosstalk.stdout
    unknown = fiedler("--demo", "send", "app.py", "-p", "review", "-m", "@frontier", cwd=tmp_path)
    assert unknown.returncode == 2
    assert "unknown model set @frontier (saved sets: @pair;" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    bad = fiedler("--demo", "sets", "save", "no good", "-m", "swift")
    assert bad.returncode == 2 and "model set name 'no good': expected" in bad.stderr
    assert fiedler("sets", "delete", "pair").returncode == 0
    assert load_model_sets() == {}


async def test_mcp_models_take_a_set(tmp_path: Path) -> None:
    config = tmp_path / "models.yaml"
    config.write_text(CONFIG_TEXT)
    save_model_set("both", ["roomy", "tiny"])
    settings = Settings(allowed_roots=(tmp_path,))
    keystore = KeyStore(env={"OPENAI_API_KEY": "sk-test"})
    ctx = CommandContext(settings=settings, config_path=str(config), _keystore=keystore)
    tools = FiedlerTools(settings, ctx, McpOptions(roots_set=True))
    result = await tools.dry_run(ToolArguments(prompt="review", models=("@both",)))
    assert [m["model"] for m in result["models"]] == ["gpt-roomy", "gpt-tiny"]
    with pytest.raises(ToolRefusal) as refused:
        await tools.dry_run(ToolArguments(prompt="review", models=("@gone",)))
    assert refused.value.code == "unknown-model-set"
    assert "unknown model set @gone (saved sets: @both;" in refused.value.message
    assert (await tools.get_config())["model_sets"] == {"both": ["roomy", "tiny"]}


async def test_compose_saves_the_selection_as_a_set_and_chooses_it_again(
    project: Path,  # noqa: F811
) -> None:
    app = make_app(project)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ComposeScreen)
        assert screen.aliases == ("roomy", "guess")  # the defaults
        await pilot.press("ctrl+g")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, PickOneScreen)
        options = picker.query_one(OptionList)
        assert options.option_count == 1  # nothing saved yet: only "save the selection"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, NameEntryScreen)
        app.screen.query_one(Input).value = "no good"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, NameEntryScreen)  # refused, says why
        app.screen.query_one(Input).value = "duo"
        await pilot.press("enter")
        await settle(pilot)
        assert load_model_sets() == {"duo": ["roomy", "guess"]}
        assert any(n.message == "saved @duo: roomy, guess" for n in app._notifications)
        screen.query_one("#models", SelectionList).deselect_all()
        await settle(pilot)
        assert screen.aliases == ()
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert isinstance(app.screen, PickOneScreen)
        assert app.screen.query_one(OptionList).get_option_at_index(0).id == "duo"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert screen.aliases == ("roomy", "guess")
        assert screen.result is not None and {m.alias for m in screen.result.models} == {
            "roomy",
            "guess",
        }
        screen.query_one("#models", SelectionList).deselect("guess")
        await settle(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        await pilot.press("down", "enter")  # the last entry: save the selection
        await settle(pilot)
        app.screen.query_one(Input).value = "@duo"
        await pilot.press("enter")
        await settle(pilot)
        assert load_model_sets() == {"duo": ["roomy"]}
        assert any(n.message == "replaced @duo: roomy" for n in app._notifications)
