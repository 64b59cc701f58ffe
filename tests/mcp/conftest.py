"""A simulator serving scripted models from a thread, a models.yaml for it, a project folder,
and helpers that start ``fiedler mcp`` as a real subprocess and connect the SDK's own client."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from fiedler_tui.core.simulator.models_yaml import SimulatedModel, config_text, scripts_for
from fiedler_tui.core.simulator.script import Fault, ModelScript
from fiedler_tui.core.simulator.server import Simulator

LONG_REPLY = "".join(f"line {i:05d} of a long answer\n" for i in range(1_000))  # 27,000 chars
STEADY_REPLY = "The code is fine and the test is good. " * 20
"""180 simulated tokens (a word each) of about 4.3 characters: streamed over 3 seconds."""
FIEDLER = [sys.executable, "-m", "fiedler_tui"]


def scripted_models() -> list[SimulatedModel]:
    return [
        SimulatedModel(
            name="quick", aliases=("q",), script=ModelScript(reply="Quick answer. " * 5)
        ),
        SimulatedModel(
            name="careful",
            kind="anthropic",
            script=ModelScript(reply="Careful answer. " * 5, ttft_s=0.1),
            price_in=3.0,
            price_out=15.0,
        ),
        SimulatedModel(name="wordy", default=False, script=ModelScript(reply=LONG_REPLY)),
        SimulatedModel(
            name="crawler",
            default=False,
            script=ModelScript(reply="slow " * 400, tokens_per_s=20),
        ),
        SimulatedModel(
            name="steady",
            default=False,
            script=ModelScript(reply=STEADY_REPLY, tokens_per_s=60),
        ),
        SimulatedModel(
            name="limited",
            provider="sim-limited",
            default=False,
            script=ModelScript(reply="after a wait", faults=(Fault.rate_limit(retry_after="0.2"),)),
        ),
        SimulatedModel(
            name="broken",
            kind="gemini",
            default=False,
            script=ModelScript(reply="partial words " * 30, faults=(Fault.reset(after_tokens=5),)),
        ),
    ]


class ThreadedSimulator:
    """The simulator on a loopback port, served by an event loop in a thread of its own."""

    def __init__(self, models: list[SimulatedModel]) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.sim = Simulator(scripts_for(models))
        asyncio.run_coroutine_threadsafe(self.sim.start(), self.loop).result(30)

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self.sim.close(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@dataclass
class McpWorld:
    root: Path
    project: Path
    outside: Path
    config_path: Path
    output_dir: Path
    sim: Simulator

    def env(self, roots: bool = True, **extra: str) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("FIEDLER_") and not k.lower().endswith("_proxy")
        }
        for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            env[variable] = str(self.root / "home" / variable.lower())
        env.update(
            FIEDLER_CONFIG=str(self.config_path),
            FIEDLER_OUTPUT_DIR=str(self.output_dir),
            FIEDLER_LOG_FILE=str(self.root / "fiedler.log"),
            PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
        )
        if roots:
            env["FIEDLER_ALLOWED_FILE_ROOTS"] = str(self.project)
        env.update(extra)
        return env

    def stdio(self, *args: str, roots: bool = True, **extra: str) -> StdioServerParameters:
        return StdioServerParameters(
            command=FIEDLER[0],
            args=[*FIEDLER[1:], "mcp", *args],
            env=self.env(roots, **extra),
            cwd=str(self.project),
        )

    def client(self, *, roots: bool = True, mode: str = "auto", **extra: str) -> Client:
        return Client(self.stdio(roots=roots, **extra), mode=mode, read_timeout_seconds=60)


@contextlib.contextmanager
def simple_mcp_world(
    root: Path, models: list[SimulatedModel], *, outside_folder: bool = True
) -> Iterator[McpWorld]:
    """``models`` on a threaded simulator, a models.yaml naming them, and a project holding one
    small ``app.py`` under ``root``; ``outside`` is an empty folder beside the project
    (``outside_folder``) or ``root`` itself."""
    simulator = ThreadedSimulator(models)
    try:
        config_path = root / "models.yaml"
        config_path.write_text(config_text(simulator.sim.base_url, models))
        project = root / "project"
        project.mkdir()
        (project / "app.py").write_text("def main():\n    return 42\n")
        outside = root
        if outside_folder:
            outside = root / "outside"
            outside.mkdir()
        yield McpWorld(root, project, outside, config_path, root / "runs", simulator.sim)
    finally:
        simulator.close()


@pytest.fixture(scope="module")
def mcp_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[McpWorld]:
    root = tmp_path_factory.mktemp("mcp")
    models = scripted_models()
    simulator = ThreadedSimulator(models)
    try:
        settings = {"sim-gemini": {"max_retries": 0}}
        config_path = root / "models.yaml"
        config_path.write_text(
            config_text(simulator.sim.base_url, models, provider_settings=settings)
        )
        project = root / "project"
        project.mkdir()
        (project / "app.py").write_text("def main():\n    return 42\n")
        (project / "notes.md").write_text("# Notes\nnothing secret here\n")
        (project / "settings.env").write_text(
            "OPENAI_API_KEY=sk-proj-" + "a1B2c3D4e5F6g7H8" * 3 + "\n"
        )
        outside = root / "outside"
        outside.mkdir()
        (outside / "private.txt").write_text("not for the models\n")
        (project / "link-out.txt").symlink_to(outside / "private.txt")
        os.mkfifo(project / "pipe")
        yield McpWorld(root, project, outside, config_path, root / "runs", simulator.sim)
    finally:
        simulator.close()
