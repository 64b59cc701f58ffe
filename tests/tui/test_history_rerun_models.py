"""History: re-run a past run's files and prompt on models chosen first (other or extra ones)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from textual.widgets import Label, Static, TextArea

from fiedler_tui.core.store.run_store import RunStore
from fiedler_tui.tui.screens.choose_models import ChooseModelsScreen
from fiedler_tui.tui.screens.compose import ComposeScreen

from .test_compose import make_app, settle
from .test_history import project, save_run  # noqa: F401


async def test_rerun_on_models_chosen_first(project: Path) -> None:  # noqa: F811
    store = RunStore(project.parent / "runs")
    when = datetime(2026, 11, 1, 10, tzinfo=UTC)
    save_run(store, when, {"roomy": "A"}, prompt="Find the bugs.", save_prompt=True)
    app = make_app(project)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        chooser = app.screen
        assert isinstance(chooser, ChooseModelsScreen)
        assert chooser.chosen == ["roomy"]  # the run's own model, ticked
        await pilot.press("space", "ctrl+s")  # unticked: nothing to re-run on
        await pilot.pause()
        assert app.screen is chooser
        assert "tick at least one" in str(chooser.query_one("#choose-models-hint", Label).render())
        await pilot.press("space", "down", "space", "ctrl+s")  # roomy again, and guess
        await settle(pilot)
        compose = app.screen
        assert isinstance(compose, ComposeScreen)
        assert compose.aliases == ("roomy", "guess")
        assert compose.query_one("#prompt", TextArea).text == "Find the bugs."
        assert "re-run on: roomy, guess" in str(compose.query_one("#compose-note", Static).render())
        assert compose.result is not None
        assert [m.alias for m in compose.result.models] == ["roomy", "guess"]
        assert [f.path for f in compose.result.preview.files] == ["src/main.py"]


async def test_rerun_chooser_says_every_key_whole_at_80_columns(project: Path) -> None:  # noqa: F811
    store = RunStore(project.parent / "runs")
    save_run(store, datetime(2026, 11, 1, 10, tzinfo=UTC), {"roomy": "A"}, prompt="Find it.")
    app = make_app(project)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, ChooseModelsScreen)
        strips = app.screen._compositor.render_strips()
        shown = " ".join("".join(s.text for s in strip).strip(" │") for strip in strips)
        assert "goes to Compose with the ticked ones, esc cancels" in " ".join(shown.split())
