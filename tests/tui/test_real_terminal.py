"""`fiedler --demo` in a real terminal (tmux): pick a file, write a prompt, send, see every pane end."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from ..support.tmux import TmuxSession, tmux_available

pytestmark = pytest.mark.skipif(not tmux_available(), reason="tmux is not installed here")


def test_demo_flow_reaches_a_finished_run(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text("def main():\n    return 42\n")
    runs = tmp_path / "runs"
    env = dict(os.environ, FIEDLER_OUTPUT_DIR=str(runs), FIEDLER_ALLOWED_FILE_ROOTS=str(project))
    command = [sys.executable, "-m", "fiedler_tui", "--demo"]
    with TmuxSession(command, size=(130, 40), env=env, cwd=str(project)) as term:
        term.wait_for("DEMO: simulated models")
        term.wait_for("app.py")
        term.type("Review this file")  # the prompt has the focus from the start
        term.wait_for("Review this file")
        term.send("C-p")  # the command palette: every step waits for what it shows
        term.wait_for("Search for commands")
        term.type("focus files")
        term.wait_for("Move to the file tree")
        for other in ("Move to the prompt", "Move to the models"):
            term.wait_until_gone(other)  # the list shows the final search's results only
        term.send("Enter")
        term.wait_until_gone("Move to the file tree")  # the palette has closed
        term.send("Down", "Space")  # the cursor starts on the root: select app.py
        term.wait_for("1 selected")
        term.wait_for("[x] app.py")
        term.wait_for("package: 1 file, ")
        term.send("C-s")
        term.wait_for("Run done:", timeout_s=60)
        screen = term.capture()
        assert "5 succeeded, 0 failed" in screen
        assert "Traceback" not in screen
        term.send("C-q")
    [run_dir] = list(runs.iterdir())
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["status"] == "done"
    assert {m["alias"] for m in summary["models"]} == {
        "demo-swift",
        "demo-steady",
        "demo-deliberate",
        "demo-busy",
        "demo-local",
    }
    busy = next(m for m in summary["models"] if m["alias"] == "demo-busy")
    assert busy["retries"] and busy["retries"][0]["code"] == "rate_limited"
