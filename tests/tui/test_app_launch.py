"""The app's start_run: a checked session opens the Run screen; refusals and double presses."""

from __future__ import annotations

from pathlib import Path

from fiedler_tui.core.simulator.models_yaml import SimulatedModel
from fiedler_tui.core.simulator.script import ModelScript
from fiedler_tui.tui.screens.run import RunScreen

from .test_run_screen_support import run_world, wait_until


async def test_two_presses_send_once(tmp_path: Path) -> None:
    models = [SimulatedModel(name="fast", script=ModelScript(reply="ok " * 10))]
    async with run_world(tmp_path, models) as world:
        session = world.session(["fast"])
        app = world.app(session)
        async with app.run_test(size=(120, 30)) as pilot:
            app.start_run(session.result, ["fast"])
            app.start_run(session.result, ["fast"])
            await wait_until(pilot, lambda: isinstance(app.screen, RunScreen))
            screen = app.screen
            assert isinstance(screen, RunScreen)
            await wait_until(pilot, lambda: screen.finished)
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert len(world.sim.requests_for("fast")) == 1
            assert sum(isinstance(s, RunScreen) for s in app.screen_stack) == 1
            assert any("Already sending" in n.message for n in app._notifications)


async def test_a_file_changed_after_preview_is_refused_on_screen(tmp_path: Path) -> None:
    models = [SimulatedModel(name="fast", script=ModelScript(reply="ok"))]
    async with run_world(tmp_path, models) as world:
        session = world.session(["fast"])
        (world.project / "app.py").write_text("changed after the preview\n")
        app = world.app(session)
        async with app.run_test(size=(120, 30)) as pilot:
            app.start_run(session.result, ["fast"])
            await wait_until(pilot, lambda: bool(app._notifications))
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert not isinstance(app.screen, RunScreen)
            [note] = [n for n in app._notifications if n.severity == "error"]
            assert "app.py" in note.message and "changed" in note.message
            assert world.sim.requests == []
