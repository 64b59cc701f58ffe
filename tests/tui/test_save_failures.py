"""The Run screen when the run folder's disk fills mid-run: told at once, pane marked, and the
held text saved to another folder with ``s``. The disk is a real tmpfs as root."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from textual.widgets import Input

from fiedler_tui.core.simulator.models_yaml import SimulatedModel
from fiedler_tui.core.simulator.script import Fault, ModelScript
from fiedler_tui.tui.screens.run import RunScreen
from fiedler_tui.tui.screens.save_elsewhere import SaveElsewhereScreen
from tests.support.small_disk import running_as_root, small_disk

from .test_run_screen_support import run_world, wait_until

LONG = "".join(f"Finding {i:03d}: the cache is never invalidated on write.\n" for i in range(260))
SHORT = "All good. " * 20


def notifications(screen: RunScreen) -> list[str]:
    return [n.message for n in screen.app._notifications]


async def test_full_disk_is_shown_and_the_text_saved_elsewhere(tmp_path: Path) -> None:
    models = [
        # "long" answers once "fast" has ended (the test fills the disk in between), then pauses
        # while the screen shows that its text cannot be written.
        SimulatedModel(
            name="long",
            kind="openai",
            script=ModelScript(reply=LONG, ttft_s=0.5, faults=(Fault.stall(10, stall_s=0.3),)),
        ),
        SimulatedModel(name="fast", kind="anthropic", script=ModelScript(reply=SHORT)),
    ]
    with small_disk(tmp_path, "52m") as disk:  # the send's preflight wants 50 MB free
        assert disk.real or not running_as_root(), "as root the tmpfs must be mounted"
        async with run_world(disk.path, models) as world:
            session = world.session(["long", "fast"], no_disk=False)
            app = world.app(session)
            async with app.run_test(size=(160, 40)) as pilot:
                screen = RunScreen(session)
                await app.push_screen(screen)
                await wait_until(pilot, lambda: screen.pane("fast").state.status == "done")
                assert not screen.check_action("save_elsewhere", ())  # hidden: all saved
                disk.fill()
                told = (
                    "long: cannot write its output (No space left on device); the whole text "
                    "is kept in memory: s saves it to another folder once the run ends"
                )
                await wait_until(pilot, lambda: told in notifications(screen))
                assert screen.pane("long").unsaved and not screen.finished
                await wait_until(pilot, lambda: screen.finished)
                await pilot.pause()

                long, fast = screen.pane("long"), screen.pane("fast")
                assert long.state.status == "done" and long.text == LONG  # shown whole
                assert long.has_class("-unsaved") and str(long.border_subtitle) == "not saved"
                assert not fast.unsaved and not fast.border_subtitle
                [problem] = session.save_problems()
                assert problem.model == "long" and problem.bytes_held == len(LONG.encode())
                await wait_until(pilot, lambda: "press s" in notifications(screen)[-1])
                assert problem.describe() in notifications(screen)[-1]
                assert "1 output NOT saved: s saves to another folder" in screen.total_text
                assert screen.check_action("save_elsewhere", ()) is True
                assert "Run: save elsewhere" in [e[0] for e in screen.palette_commands()]
                assert session.run_path is not None
                summary = json.loads((session.run_path / "summary.json").read_text())
                assert summary["status"] == "done" and summary["outputs_saved"] is False

                await pilot.press("escape")  # leaving would lose the text: asked first
                await wait_until(pilot, lambda: "escape again" in notifications(screen)[-1])
                assert app.screen is screen

                await pilot.press("s")
                await pilot.pause()
                assert isinstance(app.screen, SaveElsewhereScreen)
                folder = tmp_path / "rescue" / "run"
                app.screen.query_one(Input).value = str(folder)
                await pilot.press("enter")
                await wait_until(pilot, lambda: any("saved in" in m for m in notifications(screen)))
                assert app.screen is screen
                assert (folder / "long.md").read_text() == LONG
                assert [p.name for p in folder.iterdir()] == ["long.md"]
                assert stat.S_IMODE(folder.stat().st_mode) == 0o700
                assert stat.S_IMODE((tmp_path / "rescue").stat().st_mode) == 0o700
                assert stat.S_IMODE((folder / "long.md").stat().st_mode) == 0o600
                assert f"saved in {folder}" in screen.total_text
                await pilot.press("escape")
                await pilot.pause()
                assert app.screen is not screen


async def test_a_folder_that_cannot_be_written_is_reported_and_the_text_kept(
    tmp_path: Path,
) -> None:
    models = [
        SimulatedModel(name="long", kind="openai", script=ModelScript(reply=LONG, ttft_s=0.5))
    ]
    with small_disk(tmp_path, "52m") as disk:
        assert disk.real or not running_as_root(), "as root the tmpfs must be mounted"
        async with run_world(disk.path, models) as world:
            session = world.session(["long"], no_disk=False)
            app = world.app(session)
            async with app.run_test(size=(160, 40)) as pilot:
                screen = RunScreen(session)
                await app.push_screen(screen)
                await wait_until(pilot, lambda: session.run_path is not None)
                disk.fill()  # before the first token: nothing of the answer reaches the disk
                await wait_until(pilot, lambda: screen.finished)
                await pilot.pause()
                [problem] = session.save_problems()
                assert problem.bytes_on_disk == 0
                blocker = tmp_path / "a-file"
                blocker.write_text("")
                await pilot.press("s")
                await pilot.pause()
                app.screen.query_one(Input).value = str(blocker / "run")
                await pilot.press("enter")
                await wait_until(
                    pilot, lambda: any("cannot save in" in m for m in notifications(screen))
                )
                message = notifications(screen)[-1]
                assert "long.md: Not a directory" in message and "still in memory" in message
                assert "NOT saved: s saves to another folder" in screen.total_text
                assert screen.check_action("save_elsewhere", ()) is True
