"""Prompt templates: `fiedler templates`, --template on the commands, ctrl+t in Compose."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, TextArea

from fiedler_tui.core.templates import (
    TemplateError,
    TemplateValues,
    load_template,
    templates_dir,
)
from fiedler_tui.tui.compose_templates import SAVE_CHOICE
from fiedler_tui.tui.screens.compose import ComposeScreen
from fiedler_tui.tui.screens.name_entry import NameEntryScreen
from fiedler_tui.tui.screens.pick_one import PickOneScreen
from tests.support.simulated_project import fiedler_process
from tests.tui.test_compose import make_app, project, select_file, settle  # noqa: F401

REVIEW = "Review {{files}} ({{ file_count }} files) for {{models}} on {{date}}.\n{{file_list}}\n"


def write_template(name: str, text: str) -> Path:
    folder = templates_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.md"
    path.write_text(text)
    return path


def fiedler(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return fiedler_process(args, {**os.environ, "FIEDLER_ALLOWED_FILE_ROOTS": str(cwd), **env}, cwd)


def test_placeholders_are_filled_and_unknown_ones_named_with_their_line() -> None:
    write_template("review", REVIEW + "{literal} braces stay\n")
    text = load_template("review").render(
        TemplateValues(files=["a.py", "b/c.py"], models=["m1"], now=datetime(2026, 12, 7, 9, 5))
    )
    assert text == (
        "Review a.py, b/c.py (2 files) for m1 on 2026-12-07.\n- a.py\n- b/c.py\n"
        "{literal} braces stay\n"
    )
    write_template("bad", "first\nsee {{fils}} and {{ models }}\n")
    with pytest.raises(TemplateError) as bad:
        load_template("bad").render(TemplateValues())
    assert bad.value.lines() == [
        "templates/bad.md:2: unknown placeholder {{fils}} (known: files, file_list, file_count, "
        "models, model_count, date, datetime)"
    ]
    with pytest.raises(TemplateError, match=r"unknown template 'nope' \(templates: bad, review;"):
        load_template("nope")


def test_the_commands_list_show_and_send_a_template(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("print('hi')\n")
    write_template("review", REVIEW)
    listed = fiedler("templates", "--json", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    [row] = json.loads(listed.stdout)["templates"]
    assert row["name"] == "review" and row["placeholders"] == [
        "files",
        "file_count",
        "models",
        "date",
        "file_list",
    ]
    shown = fiedler("templates", "show", "review", cwd=tmp_path)
    assert shown.stdout == REVIEW
    sent = fiedler(
        "--demo", "send", "app.py", "--template", "review", "-m", "swift", "--json",
        cwd=tmp_path,
        FIEDLER_SAVE_PROMPT="1",
        FIEDLER_OUTPUT_DIR=str(tmp_path / "runs"),
    )  # fmt: skip
    assert sent.returncode == 0, sent.stderr
    today = datetime.now().strftime("%Y-%m-%d")
    assert json.loads(sent.stdout)["prompt"]["text"] == (
        f"Review app.py (1 files) for demo-swift on {today}.\n- app.py\n"
    )
    write_template("bad", "{{fils}}\n")
    refused = fiedler("--demo", "dry-run", "app.py", "--template", "bad", cwd=tmp_path)
    assert refused.returncode == 2
    assert "templates/bad.md:1: unknown placeholder {{fils}}" in refused.stderr
    assert "Traceback" not in refused.stderr
    unknown = fiedler(
        "--demo", "crosstalk", "app.py", "--template", "gone", "-m", "swift", "-m", "steady",
        "--dry-run", cwd=tmp_path,
    )  # fmt: skip
    assert unknown.returncode == 2
    assert "unknown template 'gone' (templates: bad, review;" in unknown.stderr
    assert fiedler("templates", cwd=tmp_path).returncode == 1  # bad.md is named
    doctor = fiedler("--demo", "doctor", "--json", cwd=tmp_path)
    checks = [c for c in json.loads(doctor.stdout)["checks"] if c["name"] == "templates"]
    assert [c["status"] for c in checks] == ["WARN"]
    assert checks[0]["detail"].startswith("templates/bad.md:1: unknown placeholder {{fils}} (")


async def test_compose_inserts_a_filled_template_at_the_cursor(project: Path) -> None:  # noqa: F811
    write_template("review", "Review {{files}} for {{models}}.")
    write_template("broken", "{{nothing}}")
    app = make_app(project)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await select_file(pilot, "main.py")
        screen = app.screen
        assert isinstance(screen, ComposeScreen)
        prompt = screen.query_one("#prompt", TextArea)
        prompt.focus()
        await pilot.press(*"Please: ")
        await pilot.press("ctrl+t")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, PickOneScreen)
        options = picker.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert ids == ["broken", "review", SAVE_CHOICE]  # the prompt can be saved as one too
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.screen is screen
        assert prompt.text == "Please: Review src/main.py for roomy, guess."
        await pilot.press("ctrl+t")
        await settle(pilot)
        await pilot.press("enter")  # broken: refused, the prompt is left as it was
        await settle(pilot)
        assert prompt.text == "Please: Review src/main.py for roomy, guess."
        assert any("{{nothing}}" in n.message for n in app._notifications)
        for attempt in ("kept", "kept"):  # the prompt saved as a template; never over one
            await pilot.press("ctrl+t")
            await settle(pilot)
            await pilot.press("end", "enter")
            await settle(pilot)
            assert isinstance(app.screen, NameEntryScreen)
            app.screen.query_one(Input).value = attempt
            await pilot.press("enter")
            await settle(pilot)
        kept = templates_dir() / "kept.md"
        assert kept.read_text() == "Please: Review src/main.py for roomy, guess."
        assert kept.stat().st_mode & 0o777 == 0o600
        assert any("template kept exists already" in n.message for n in app._notifications)
