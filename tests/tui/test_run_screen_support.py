"""Shared by the Run screen tests, snapshots and benchmarks: a simulator world and the app.

``run_world`` starts the loopback simulator with scripted models, writes nothing outside the
test's folders and gives ready-to-run ``SendSession`` objects; ``RunApp`` is the real app with
its stylesheets, started without a first screen so a test can push ``RunScreen`` itself.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any, ClassVar

from textual.app import App
from textual.pilot import Pilot

from fiedler_tui.core.budget import DryRunEngine, DryRunOptions
from fiedler_tui.core.config.schema import Config
from fiedler_tui.core.keys import KeyStore
from fiedler_tui.core.send import SendSession
from fiedler_tui.core.settings import Settings
from fiedler_tui.core.simulator.models_yaml import SimulatedModel, scripts_for, simulated_config
from fiedler_tui.core.simulator.server import Simulator
from fiedler_tui.tui import app as app_module
from fiedler_tui.tui.app import FiedlerApp
from fiedler_tui.tui.themes import load_themes

TUI_DIR = Path(app_module.__file__).parent


def _status_colour_defaults() -> dict[str, str]:
    dark = next(t for t in load_themes().themes if t.name == "fiedler-dark")
    return {k: v for k, v in dark.variables.items() if k.startswith("model-")}


class RunApp(FiedlerApp):
    """FiedlerApp with its own stylesheets (paths made absolute for this subclass)."""

    CSS_PATH: ClassVar[list[str | PurePath]] = [
        str(TUI_DIR / path)
        for path in (
            FiedlerApp.CSS_PATH if isinstance(FiedlerApp.CSS_PATH, list) else [FiedlerApp.CSS_PATH]
        )
    ]

    if FiedlerApp._prune is not App._prune:  # type: ignore[comparison-overlap]
        # A retention worker of the same name shadows App._prune (which shutdown awaits).
        def _prune(self, *nodes: Any, **kwargs: Any) -> Any:
            if nodes and isinstance(nodes[0], int):
                return None  # retention pruning: not wanted in these tests
            return App._prune(self, *nodes, **kwargs)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        # The stylesheet is parsed once with Textual's default theme before fiedler's themes
        # are installed; the status colours need a value then.
        return {**_status_colour_defaults(), **super().get_theme_variable_defaults()}


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

    def app(self, session: SendSession) -> RunApp:
        return RunApp(
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
