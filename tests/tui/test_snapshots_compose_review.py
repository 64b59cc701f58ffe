"""Snapshots of Compose and Review at a fixed size (update with --snapshot-update)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import TextArea

from fiedler_tui.tui.screens.review import ReviewScreen

from .test_compose import make_app, select_file, settle
from .test_review import summary

SIZE = (120, 36)


def test_compose_screen(snap_compare: Any, tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "src").mkdir(parents=True)
    (root / "src" / "main.py").write_text("def main() -> None:\n    print('hello')\n" * 30)
    (root / "src" / "[red]odd[b].py").write_text("X = 1\n")
    (root / "README.md").write_text("# project\n")
    (root / "debug.log").write_text("noise\n")
    (root / ".gitignore").write_text("*.log\n")
    (root / "settings.py").write_text(
        'API_KEY = "sk-proj-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a"\n'
    )
    app = make_app(root)

    async def prepare(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await select_file(pilot, "main.py")
        await select_file(pilot, "settings.py")
        await select_file(pilot, "[red]odd[b].py")
        prompt = pilot.app.screen.query_one("#prompt", TextArea)
        prompt.cursor_blink = False
        prompt.text = "Review these files for bugs."
        prompt.focus()
        pilot.app.screen.action_refresh()  # type: ignore[attr-defined]
        await settle(pilot)

    assert snap_compare(app, run_before=prepare, terminal_size=SIZE)


def test_review_screen(snap_compare: Any, tmp_path: Path) -> None:
    texts = {
        "alpha": "# Findings\n\n1. `main()` prints twice.\n2. [red]this is not markup[/red]\n\n"
        "```python\ndef main() -> None:\n    print('hi')\n```\n\n| file | line |\n|---|---|\n"
        "| main.py | 12 |\n\nSee [the docs](https://example.com/docs).\n",
        "beta": "No bugs found.\n" * 3,
    }
    data = summary("alpha", "beta", failed="beta")
    app = make_app(tmp_path, start=lambda: ReviewScreen(data, texts))

    async def prepare(pilot: Pilot[None]) -> None:
        await settle(pilot)

    assert snap_compare(app, run_before=prepare, terminal_size=SIZE)
