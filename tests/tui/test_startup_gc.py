"""Garbage collection is held off while the app starts, and always turned back on."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from fiedler_tui import cli
from fiedler_tui.core.config.loader import load_config
from fiedler_tui.core.keys import KeyStore
from fiedler_tui.core.settings import Settings
from fiedler_tui.tui import startup_gc
from fiedler_tui.tui.app import FiedlerApp
from fiedler_tui.tui.screens.compose import ComposeScreen


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    """Whatever a test does, the rest of the session collects (and freezes nothing)."""
    yield
    startup_gc.resume()
    gc.unfreeze()
    gc.enable()


async def test_collection_resumes_after_the_first_frame(tmp_path: Path) -> None:
    settings = Settings(allowed_roots=(tmp_path,), output_dir=tmp_path / "runs")
    app = FiedlerApp(settings=settings, config=load_config(None, {}), keystore=KeyStore(env={}))
    startup_gc.pause()
    assert not gc.isenabled()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ComposeScreen)
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0  # what startup made is out of the collector's way
        assert not startup_gc.is_paused()


def test_resume_without_pause_neither_freezes_nor_enables() -> None:
    gc.disable()
    startup_gc.resume()
    assert not gc.isenabled()
    assert gc.get_freeze_count() == 0
    gc.enable()


def test_pause_leaves_a_collector_someone_else_disabled_alone() -> None:
    gc.disable()
    startup_gc.pause()
    assert not startup_gc.is_paused()
    startup_gc.resume()
    assert not gc.isenabled()  # still as its owner left it
    gc.enable()


def test_an_app_that_fails_before_its_first_frame_collects_again(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def no_terminal(self: FiedlerApp) -> None:
        raise RuntimeError("no terminal")

    monkeypatch.setattr(FiedlerApp, "run", no_terminal)
    assert cli.main([]) == 1
    assert "internal error: RuntimeError: no terminal" in capsys.readouterr().err
    assert gc.isenabled()
    assert not startup_gc.is_paused()
