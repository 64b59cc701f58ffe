"""Snapshot of a finished Run screen (update with --snapshot-update).

Every time-dependent figure (elapsed, TTFT, tokens/s, wall time) is masked by the screen's
``show_timings=False`` with the same widths, so the picture is stable; token counts, statuses,
errors, cost and the text are real results of the run against the simulator.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from fiedler_tui.core.config.loader import load_config
from fiedler_tui.core.keys import KeyStore
from fiedler_tui.core.settings import Settings
from fiedler_tui.core.simulator.models_yaml import SimulatedModel
from fiedler_tui.core.simulator.script import Fault, FaultKind, ModelScript
from fiedler_tui.tui.app import FiedlerApp
from fiedler_tui.tui.screens.run import RunScreen

from .test_run_screen_support import run_world, wait_until

SIZE = (120, 32)
MODELS = [
    SimulatedModel(
        name="swift",
        script=ModelScript(reply="**Summary.** The change is small and safe. " * 6),
        price_in=0.5,
        price_out=2.0,
    ),
    SimulatedModel(
        name="steady",
        kind="anthropic",
        script=ModelScript(reply="1. Stream the file.\n2. Keep errors typed.\n3. Ship it.\n"),
        price_in=3.0,
        price_out=15.0,
    ),
    SimulatedModel(
        name="busy",
        script=ModelScript(
            reply="Answered after one rate limit.",
            faults=(Fault.rate_limit(retry_after="1"),),
        ),
    ),
    SimulatedModel(
        name="broken",
        kind="gemini",
        # An in-band error event: the text before it always arrives (a TCP reset may drop it).
        script=ModelScript(
            reply="partial words " * 30,
            faults=(Fault.of(FaultKind.STREAM_ERROR, after_tokens=8),),
        ),
    ),
]


def test_finished_run_screen(snap_compare: Any, tmp_path: Path) -> None:
    app = FiedlerApp(
        settings=Settings.from_env({"FIEDLER_NO_DISK": "1"}),
        config=load_config(None, {}),
        keystore=KeyStore(env={}),
        start_screen=False,
    )

    async def run(pilot: Pilot[None]) -> None:
        async with run_world(tmp_path, MODELS, {"sim-gemini": {"max_retries": 0}}) as world:
            session = world.session([m.name for m in MODELS])
            screen = RunScreen(session, show_timings=False)
            await pilot.app.push_screen(screen)
            await wait_until(pilot, lambda: screen.finished)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, run_before=run, terminal_size=SIZE)
