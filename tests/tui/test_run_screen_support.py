"""Shared by the Run screen tests, snapshots and benchmarks: a simulator world and the app.

``run_world`` starts the loopback simulator with scripted models, writes nothing outside the
test's folders and gives ready-to-run ``SendSession`` objects and the real app, started without
a first screen so a test can push ``RunScreen`` itself.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from fiedler_tui.core.budget import DryRunEngine, DryRunOptions
from fiedler_tui.core.config.schema import Config
from fiedler_tui.core.keys import KeyStore
from fiedler_tui.core.send import SendSession
from fiedler_tui.core.settings import Settings
from fiedler_tui.core.simulator.models_yaml import SimulatedModel, scripts_for, simulated_config
from fiedler_tui.core.simulator.server import Simulator
from fiedler_tui.core.store.run_store import RunInfo, RunStore
from fiedler_tui.tui.app import FiedlerApp
from fiedler_tui.tui.screens.review import ReviewScreen
from fiedler_tui.tui.screens.run import RunScreen

from .test_compose import settle


@dataclass
class RunWorld:
    sim: Simulator
    config: Config
    project: Path
    output_dir: Path

    def settings(self, **env: str) -> Settings:
        values = {
            "FIEDLER_ALLOWED_FILE_ROOTS": str(self.project),
            "FIEDLER_OUTPUT_DIR": str(self.output_dir),
            **env,
        }
        return Settings.from_env({**os.environ, **values})

    def session(self, aliases: Sequence[str], *, no_disk: bool = True) -> SendSession:
        settings = self.settings(**({"FIEDLER_NO_DISK": "1"} if no_disk else {}))
        with DryRunEngine(settings) as engine:
            result = engine.run(
                [self.project],
                [self.config.resolve(alias) for alias in aliases],
                DryRunOptions(prompt="please review"),
            )
        session = SendSession(
            config=self.config,
            settings=settings,
            keys={name: None for name in self.config.providers},
            result=result,
            aliases=list(aliases),
        )
        session.preflight()
        return session

    def app(self, session: SendSession) -> FiedlerApp:
        return FiedlerApp(
            settings=session.settings,
            config=self.config,
            keystore=KeyStore(env={}),
            start_screen=False,
        )


@asynccontextmanager
async def run_world(
    folder: Path,
    models: Sequence[SimulatedModel],
    provider_settings: Mapping[str, Mapping[str, Any]] | None = None,
) -> AsyncIterator[RunWorld]:
    async with Simulator(scripts_for(models)) as sim:
        config = simulated_config(sim.base_url, models, provider_settings=provider_settings)
        project = folder / "project"
        project.mkdir(parents=True, exist_ok=True)
        (project / "app.py").write_text("def main():\n    return 42\n")
        yield RunWorld(sim, config, project, folder / "runs")


async def wait_until(pilot: Pilot[Any], condition: Callable[[], bool], limit_s: float = 15) -> None:
    """Let the app run until ``condition()`` holds (bounded; fails the test past ``limit_s``)."""
    steps = int(limit_s / 0.02)
    for _ in range(steps):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"condition not met within {limit_s}s")


async def run_to_end(pilot: Pilot[Any], session: SendSession) -> RunScreen:
    """Push a Run screen for ``session``, let its run end and its panes be drawn."""
    screen = RunScreen(session)
    await pilot.app.push_screen(screen)
    await wait_until(pilot, lambda: screen.finished)
    await pilot.pause()
    return screen


async def review_after_run(
    pilot: Pilot[Any], world: RunWorld, session: SendSession
) -> tuple[ReviewScreen, RunInfo]:
    """Run ``session`` to its end on a Run screen, then open its saved run in Review; the
    Review screen and the run as saved."""
    first = RunScreen(session)
    await pilot.app.push_screen(first)
    await wait_until(pilot, lambda: first.finished)
    assert session.run_id is not None
    info = RunStore(world.output_dir).find(session.run_id)
    review = ReviewScreen.from_saved(info)
    await pilot.app.push_screen(review)
    await settle(pilot)
    return review, info
