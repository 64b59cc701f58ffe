"""Snapshots of Review with find open (160x50) and of Review at 80x24 (update with
--snapshot-update -k review_find)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from fiedler_tui.tui.screens.review import ReviewScreen

from .test_compose import make_app, settle
from .test_review import summary

ANSWER = (
    "# Findings\n\n"
    "## `load()` reads the file twice\n\n"
    "The function `load()` in **src/config.py** opens the file twice; see "
    "[the docs](https://example.com/docs).\n\n"
    "- read the file once\n- keep the validation\n\n"
    "```python\ndef load(path: Path) -> Config:\n    return Config.parse(path.read_text())\n```\n\n"
    "| file | line |\n|---|---|\n| src/config.py | 12 |\n\n"
    "> Note: [red]not markup[/red]; the tests do not load it.\n"
)


def review_app(tmp_path: Path) -> Any:
    texts = {"alpha": ANSWER, "beta": "No bugs found; load() is fine.\n"}
    return make_app(tmp_path, start=lambda: ReviewScreen(summary(*texts), texts))


def test_review_find_highlights_and_counts(snap_compare: Any, tmp_path: Path) -> None:
    async def prepare(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("slash", *"load", "enter")
        await settle(pilot)

    assert snap_compare(review_app(tmp_path), run_before=prepare, terminal_size=(160, 50))


def test_review_find_screen_at_80x24(snap_compare: Any, tmp_path: Path) -> None:
    async def prepare(pilot: Pilot[None]) -> None:
        await settle(pilot)

    assert snap_compare(review_app(tmp_path), run_before=prepare, terminal_size=(80, 24))
