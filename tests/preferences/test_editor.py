"""ctrl+e in Compose: the prompt edited in $VISUAL/$EDITOR (a real script, in a real terminal)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from textual.widgets import TextArea

from fiedler_tui.tui.compose_editor import editor_command
from tests.support.tmux import TmuxSession, tmux_available
from tests.tui.test_compose import make_app, project, settle  # noqa: F401

EDITOR_SCRIPT = """#!/bin/sh
# records the file it was given and its mode, then edits it (or fails when asked to)
echo "$1 $(stat -c %a "$1")" >> "{log}"
if [ -e "{fail}" ]; then exit 3; fi
{{ cat "$1"; printf ' and more from the editor\\n'; }} > "$1.new" && mv "$1.new" "$1"
"""


def test_the_editor_comes_from_visual_then_editor() -> None:
    assert editor_command({}) is None
    assert editor_command({"EDITOR": "nano", "VISUAL": " "}) == (["nano"], "EDITOR")
    assert editor_command({"EDITOR": "nano", "VISUAL": "code --wait"}) == (
        ["code", "--wait"],
        "VISUAL",
    )


@pytest.mark.skipif(not tmux_available(), reason="tmux is not installed here")
def test_ctrl_e_edits_the_prompt_in_a_real_editor(tmp_path: Path) -> None:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "app.py").write_text("print(1)\n")
    log, fail = tmp_path / "editor.log", tmp_path / "fail"
    script = tmp_path / "editor.sh"
    script.write_text(EDITOR_SCRIPT.format(log=log, fail=fail))
    script.chmod(0o700)
    env = {k: v for k, v in os.environ.items() if k not in ("VISUAL", "EDITOR")}
    env.update(VISUAL=str(script), FIEDLER_ALLOWED_FILE_ROOTS=str(folder))
    command = [sys.executable, "-m", "fiedler_tui", "--demo"]
    with TmuxSession(command, size=(130, 40), env=env, cwd=str(folder)) as term:
        term.wait_for("DEMO: simulated models")
        term.type("Check this")
        term.wait_for("Check this")
        term.send("C-e")
        term.wait_for("Check this and more from the editor")
        fail.write_text("")
        term.send("C-e")
        term.wait_for("code 3;")  # the notification: "... exited with code 3; the prompt is
        term.wait_until_gone("code 3;")  # unchanged" (over the prompt while it shows)
        screen = term.capture()
        assert "Check this and more from the editor" in screen
        assert "editor and more" not in screen
        assert "Traceback" not in screen
        term.send("C-q")
    runs = log.read_text().splitlines()
    assert len(runs) == 2
    for line in runs:
        path, mode = line.rsplit(" ", 1)
        assert mode == "600" and Path(path).name.startswith("fiedler-prompt-")
        assert not Path(path).exists()  # deleted once read


async def test_without_an_editor_or_a_terminal_the_prompt_stays(
    project: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    app = make_app(project)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        prompt = app.screen.query_one("#prompt", TextArea)
        await pilot.press(*"keep me")
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert prompt.text == "keep me"
        assert any("no editor set: set $VISUAL or $EDITOR" in n.message for n in app._notifications)
        monkeypatch.setenv("EDITOR", "true")
        await pilot.press("ctrl+e")  # the test's app has no terminal to hand over
        await pilot.pause()
        assert prompt.text == "keep me"
        assert any("no terminal to hand over" in n.message for n in app._notifications)
