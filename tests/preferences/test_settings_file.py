"""settings.toml: values under the environment, the keymap, doctor's report, the binding ids."""

from __future__ import annotations

import importlib
import inspect
import json
import os
import pkgutil
import subprocess
from pathlib import Path

import pytest
from textual.binding import Binding

import fiedler_tui.tui
from fiedler_tui.commands.binding_catalog import binding_catalog
from fiedler_tui.core.locations import user_config_dir
from fiedler_tui.core.network import NetworkEnvironment
from fiedler_tui.core.settings import Settings
from fiedler_tui.core.settings_file import SETTING_NAMES, read_settings_file
from fiedler_tui.tui.screens.compose import ComposeScreen
from fiedler_tui.tui.screens.help import HelpScreen, binding_rows
from tests.mcp.conftest import McpWorld, mcp_world  # noqa: F401
from tests.support.simulated_project import fiedler_process
from tests.tui.test_compose import make_app, project, select_file, settle  # noqa: F401


def write_settings(text: str) -> Path:
    path = user_config_dir() / "settings.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return fiedler_process(args, os.environ)


def test_file_values_apply_under_the_environment() -> None:
    write_settings(
        "max_cost_usd = 2.5\n"
        "save_prompt = true\n"
        "max_lines = 500\n"
        'output_dir = "runs-here"\n'
        'allowed_file_roots = ["a", "/abs/b"]\n'
        "[keymap]\n"
        'send = "f10"\n'
    )
    settings = Settings.load({"FIEDLER_MAX_LINES": "700", "FIEDLER_MAX_COST_USD": ""})
    folder = user_config_dir()
    assert settings.max_cost_usd == 2.5  # an empty variable leaves the file's value
    assert settings.save_prompt is True
    assert settings.max_lines == 700  # the environment wins
    assert settings.output_dir == folder / "runs-here"  # relative to the file's folder
    assert settings.allowed_roots == (folder / "a", Path("/abs/b"))
    assert settings.keymap == (("send", "f10"),)
    assert settings.file_problems == ()
    assert Settings.load({}).max_lines == 500


def test_every_variable_has_an_entry_of_its_type() -> None:
    assert set(SETTING_NAMES) >= {"max_cost_usd", "save_prompt", "allowed_file_roots", "config"}
    write_settings("max_concurrency = 2.5\nno_disk = 1\nlog_level = 3\nmax_cost_usd = -1\n")
    found = read_settings_file()
    assert found.errors == (
        "settings.toml:1: max_concurrency: expected a whole number",
        "settings.toml:2: no_disk: expected true or false",
        "settings.toml:3: log_level: expected a string",
        "settings.toml:4: max_cost_usd: expected a positive number",
    )


def test_a_bad_file_stops_commands_and_doctor_reports_it_by_line() -> None:
    write_settings(
        "# fiedler settings\n"
        "max_cost_usd = 3\n"
        'max_lines = "many"\n'
        "max_cost = 1\n"
        "[keymap]\n"
        'send = "f10"\n'
        'sned = "f11"\n'
    )
    models = run_cli("--demo", "models")
    assert models.returncode == 2
    assert "settings.toml:3: max_lines: expected a whole number" in models.stderr
    assert "Traceback" not in models.stderr + models.stdout
    doctor = run_cli("--demo", "doctor", "--json")
    assert "Traceback" not in doctor.stderr
    checks = [c for c in json.loads(doctor.stdout)["checks"] if c["name"] == "settings file"]
    assert [(c["status"], c["detail"]) for c in checks] == [
        ("FAIL", "settings.toml:3: max_lines: expected a whole number"),
        (
            "WARN",
            "settings.toml:4: max_cost: unknown setting, left out (did you mean max_cost_usd?)",
        ),
        (
            "WARN",
            "settings.toml:7: keymap.sned: no key of the app has this id (did you mean send?)",
        ),
    ]
    assert doctor.returncode == 1


def test_a_syntax_error_is_named_with_its_line() -> None:
    write_settings("max_cost_usd = 3\nsave_prompt = tru\n")
    result = run_cli("--demo", "doctor")
    assert result.returncode == 1
    assert "FAIL settings file: settings.toml:2: TOML syntax: Invalid value" in result.stdout
    assert "Traceback" not in result.stderr
    write_settings("max_cost_usd = 3\n")
    fine = run_cli("--demo", "doctor")
    assert "OK   settings file: " in fine.stdout and "1 setting(s), 0 key(s)" in fine.stdout


def test_doctor_knows_every_binding_id_of_the_app() -> None:
    """The ids doctor reads from the app's source are exactly those of the app's bindings."""
    found: set[str] = set()
    for info in pkgutil.walk_packages(fiedler_tui.tui.__path__, "fiedler_tui.tui."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            declared = cls.__dict__.get("BINDINGS")
            if cls.__module__ != module.__name__ or not declared:
                continue
            for binding in Binding.make_bindings(declared):
                assert binding.id, f"{cls.__name__}: binding {binding.key} has no id"
                found.add(binding.id)
    catalog = binding_catalog()
    assert all(catalog.has(binding_id) for binding_id in found)
    assert {"send", "help", "run-pane-1", "run-pane-9", "review-next"} <= found
    assert catalog.ids <= found  # nothing read that is no binding
    assert not catalog.has("sned") and not catalog.has("run-pane-")


async def test_keymap_remaps_a_binding_and_help_shows_the_active_key(project: Path) -> None:  # noqa: F811
    left_out = "settings.toml:4: max_cost: unknown setting, left out"
    app = make_app(project, keymap=(("send", "f10"), ("help", "f12")), file_problems=(left_out,))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert any(left_out in n.message for n in app._notifications)  # said when it starts
        await select_file(pilot, "main.py")
        screen = app.screen
        assert isinstance(screen, ComposeScreen)
        screen.query_one("#prompt").focus()
        await pilot.press(*"review")
        await settle(pilot)
        await pilot.press("ctrl+s")  # the old key does nothing now
        await settle(pilot)
        assert app.started == []
        rows = binding_rows(screen)
        send_rows = [r for r in rows if r[2].startswith("Send")]
        assert send_rows == [("Compose", "f10", "Send: Send the previewed package (id: send)")]
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("f10")
        await settle(pilot)
        assert len(app.started) == 1


async def test_settings_file_values_count_as_set_for_the_mcp_server(
    mcp_world: McpWorld,  # noqa: F811
) -> None:
    """allowed_file_roots in settings.toml lets `fiedler mcp` read files, as the variable does."""
    path = Path(mcp_world.env()["XDG_CONFIG_HOME"]) / "fiedler" / "settings.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"allowed_file_roots = {json.dumps(str(mcp_world.project))}\n")
    try:
        async with mcp_world.client(roots=False) as client:
            result = await client.call_tool(
                "fiedler_dry_run", {"prompt": "review", "files": ["app.py"]}
            )
            assert not result.is_error, result.structured_content
            assert result.structured_content is not None
            assert [f["path"] for f in result.structured_content["files"]] == ["app.py"]
    finally:
        path.unlink()


def test_trust_env_from_the_file_applies_to_clients_made_without_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A client made without the command's settings (the count endpoints') reads trust_env
    from settings.toml too: no proxy from the environment once the file says false."""
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    assert NetworkEnvironment.read().trusted is True
    write_settings("trust_env = false\n")
    assert NetworkEnvironment.read().trusted is False
    monkeypatch.setenv("FIEDLER_TRUST_ENV", "1")  # the variable wins over the file
    assert NetworkEnvironment.read().trusted is True
