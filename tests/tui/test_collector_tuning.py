"""Run and Review collect less while shown, and put the collector back as they found it."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from fiedler_tui.tui.collector_tuning import FIRST_GENERATION_THRESHOLD, CollectorTuning
from fiedler_tui.tui.screens.review import ReviewScreen

from .test_compose import make_app, settle
from .test_review import summary


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[tuple[int, int, int]]:
    before = gc.get_threshold()
    yield before
    gc.set_threshold(*before)
    gc.unfreeze()


def test_start_freezes_and_raises_the_threshold_stop_undoes_both() -> None:
    before = gc.get_threshold()
    tuning = CollectorTuning()
    tuning.start()
    tuning.start()  # once only: the saved thresholds stay the original ones
    assert tuning.active and gc.get_freeze_count() > 0
    assert gc.get_threshold() == (max(before[0], FIRST_GENERATION_THRESHOLD), *before[1:])
    tuning.stop()
    tuning.stop()
    assert not tuning.active and gc.get_freeze_count() == 0
    assert gc.get_threshold() == before


def test_overlapping_screens_share_one_tuning() -> None:
    before = gc.get_threshold()
    leaving, arriving = CollectorTuning(), CollectorTuning()
    leaving.start()
    arriving.start()  # mounts before the other has unmounted
    leaving.stop()
    assert gc.get_threshold()[0] == FIRST_GENERATION_THRESHOLD  # still tuned for the new one
    assert gc.get_freeze_count() > 0
    arriving.stop()
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


async def test_review_collects_less_while_shown(tmp_path: Path) -> None:
    before = gc.get_threshold()
    texts = {"alpha": "# A\n\ntext", "beta": "- one\n- two\n"}
    app = make_app(tmp_path, start=lambda: ReviewScreen(summary(*texts), texts))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert gc.get_threshold()[0] == FIRST_GENERATION_THRESHOLD
        assert gc.get_freeze_count() > 0
        await app.pop_screen()
        await settle(pilot)
        assert gc.get_threshold() == before and gc.get_freeze_count() == 0
