"""Snapshots of a finished Deliberation screen at 160x50 and 80x24 (update with --snapshot-update).

Three deliberating models of the simulator (one per wire format) debate two rounds; time-dependent
figures are masked (``show_timings=False``) and nothing is saved (``FIEDLER_NO_DISK=1``), so the
picture holds the header (round 2 of 2, spend against worst case, consensus), the folded rounds
(member, status, verdict, confidence, cost), the last round's panes and the outcome line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from fiedler_tui.core.budget import DryRunEngine, DryRunOptions
from fiedler_tui.core.crosstalk.session import DeliberationChoices, DeliberationSession
from fiedler_tui.core.keys import KeyStore
from fiedler_tui.core.simulator.models_yaml import SimulatedModel
from fiedler_tui.core.simulator.script import ModelScript
from fiedler_tui.tui.app import FiedlerApp
from fiedler_tui.tui.screens.deliberation import DeliberationScreen

from .test_run_screen_support import run_world, wait_until

MODELS = [
    SimulatedModel(
        name="swift",
        script=ModelScript(deliberates=True, reply="The sign in add() is wrong: use a + b."),
        price_in=0.5,
        price_out=2.0,
    ),
    SimulatedModel(
        name="steady",
        kind="anthropic",
        script=ModelScript(deliberates=True, reply="add() subtracts; fix it and add a test."),
        price_in=3.0,
        price_out=15.0,
    ),
    SimulatedModel(
        name="careful",
        kind="gemini",
        script=ModelScript(deliberates=True, reply="A bug: add(2, 3) returns -1, not 5."),
        price_in=1.25,
        price_out=10.0,
    ),
]


def deliberation_app() -> FiedlerApp:
    from fiedler_tui.core.config.loader import load_config
    from fiedler_tui.core.settings import Settings

    return FiedlerApp(
        settings=Settings.from_env({"FIEDLER_NO_DISK": "1"}),
        config=load_config(None, {}),
        keystore=KeyStore(env={}),
        start_screen=False,
    )


async def deliberate(pilot: Pilot[None], tmp_path: Path) -> None:
    async with run_world(tmp_path, MODELS) as world:
        settings = world.settings(FIEDLER_NO_DISK="1")
        with DryRunEngine(settings) as engine:
            result = engine.run(
                [world.project],
                [world.config.resolve(m.name) for m in MODELS],
                DryRunOptions(prompt="Is add() right?"),
            )
        session = DeliberationSession(
            config=world.config,
            settings=settings,
            keys={name: None for name in world.config.providers},
            result=result,
            choices=DeliberationChoices(members=tuple(m.name for m in MODELS), rounds=2),
        )
        session.prepare()
        session.preflight()
        screen = DeliberationScreen(session, show_timings=False)
        await pilot.app.push_screen(screen)
        await wait_until(pilot, lambda: screen.finished, limit_s=30)
    pilot.app.clear_notifications()
    await pilot.pause()


def test_finished_deliberation_at_160x50(snap_compare: Any, tmp_path: Path) -> None:
    async def run(pilot: Pilot[None]) -> None:
        await deliberate(pilot, tmp_path)

    assert snap_compare(deliberation_app(), run_before=run, terminal_size=(160, 50))


def test_finished_deliberation_at_80x24(snap_compare: Any, tmp_path: Path) -> None:
    async def run(pilot: Pilot[None]) -> None:
        await deliberate(pilot, tmp_path)

    assert snap_compare(deliberation_app(), run_before=run, terminal_size=(80, 24))
