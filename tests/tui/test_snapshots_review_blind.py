"""Snapshots of Review's blind mode and diff view at 160x50 and 80x24 (update with
--snapshot-update)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from fiedler_tui.tui.screens.review import ReviewScreen

from .test_compose import make_app, settle
from .test_review_blind import MODELS

SIZES = {"160x50": (160, 50), "80x24": (80, 24)}
LETTERS = {"gpt": "A", "flash": "B", "sonnet": "C"}


def review_app(tmp_path: Path) -> Any:
    models = [
        {"alias": alias, "provider": provider, "model": model, "status": "done", "cost_usd": 0.01}
        for alias, (provider, model, _) in MODELS.items()
    ]
    summary = {
        "run_id": "20261201-093000-abcdef",
        "status": "done",
        "started_at": "2026-12-01T09:30:00+00:00",
        "ended_at": "2026-12-01T09:30:08+00:00",
        "models": models,
        "cost_usd": 0.03,
    }
    texts = {alias: text * 3 for alias, (_, _, text) in MODELS.items()}
    return make_app(tmp_path, start=lambda: ReviewScreen(summary, texts))


def screen_of(pilot: Pilot[None]) -> ReviewScreen:
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen)
    return screen


@pytest.mark.parametrize("size", SIZES)
def test_review_blind(snap_compare: Any, tmp_path: Path, size: str) -> None:
    async def prepare(pilot: Pilot[None]) -> None:
        await settle(pilot)
        screen_of(pilot).blind.letters = dict(LETTERS)
        await pilot.press("b", "4", "w")
        await settle(pilot)

    assert snap_compare(review_app(tmp_path), run_before=prepare, terminal_size=SIZES[size])


@pytest.mark.parametrize("size", SIZES)
def test_review_diff(snap_compare: Any, tmp_path: Path, size: str) -> None:
    async def prepare(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)

    assert snap_compare(review_app(tmp_path), run_before=prepare, terminal_size=SIZES[size])
