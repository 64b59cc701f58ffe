"""``fiedler mcp``: time from spawn to an initialized session, and what ``fiedler_send`` adds
over the slowest model.

The provider simulator runs in a subprocess; ``fiedler mcp`` is spawned by the SDK's own client
over stdio, as a host spawns it. Figures are medians (with min and max) of ``--repeat`` runs.

- startup: spawn -> initialize answered (the handshake a host does first), for the older
  handshake (``mode="legacy"``) and the current protocol (``mode="auto"``: discover), and
  ``fiedler --version`` (interpreter and entry point only) for reference;
- send overhead: one session, after a warm-up call, ``fiedler_send`` of a two-file package to
  three models; overhead = the call's wall time - the slowest model's own total time as the
  runner measured it (the dry run, recording, result building and the protocol are the rest).

    .venv/bin/python bench/mcp_startup.py --repeat 10
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import simulator_process
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from fiedler_tui.core.simulator.models_yaml import SimulatedModel, config_text
from fiedler_tui.core.simulator.script import ModelScript
from fiedler_tui.core.simulator.server import simulator_base_url

MODELS = [
    SimulatedModel(name="fast", script=ModelScript(reply="ok " * 20)),
    SimulatedModel(
        name="medium", kind="anthropic", script=ModelScript(reply="fine " * 40, ttft_s=0.2)
    ),
    SimulatedModel(
        name="slowest",
        kind="gemini",
        script=ModelScript(reply="done " * 60, ttft_s=0.5, tokens_per_s=200),
    ),
]


def start_simulator(folder: Path) -> tuple[subprocess.Popen[str], str]:
    scripts = {m.model_id: m.script.to_json() for m in MODELS}
    return simulator_process.start_simulator(scripts, folder)


def figures(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return f"median {statistics.median(ms):7.1f} ms  (min {min(ms):.1f}, max {max(ms):.1f})"


async def startup(params: StdioServerParameters, mode: str) -> float:
    started = time.perf_counter()
    async with Client(params, mode=mode) as client:
        ready = time.perf_counter() - started
        assert client.protocol_version
    return ready


async def send_overhead(
    params: StdioServerParameters, repeat: int
) -> tuple[list[float], list[float]]:
    walls: list[float] = []
    overheads: list[float] = []
    arguments = {"prompt": "review", "files": ["a.py", "b.md"], "models": [m.name for m in MODELS]}
    async with Client(params, read_timeout_seconds=60) as client:
        await client.call_tool("fiedler_send", arguments)  # warm-up: tokenizers, connections
        for _ in range(repeat):
            started = time.perf_counter()
            result = await client.call_tool("fiedler_send", arguments)
            wall = time.perf_counter() - started
            assert not result.is_error and result.structured_content["status"] == "done"
            slowest = max(m["total_s"] for m in result.structured_content["models"])
            walls.append(wall)
            overheads.append(wall - slowest)
    return walls, overheads


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        simulator, root = start_simulator(folder)
        try:
            config = folder / "models.yaml"
            config.write_text(
                config_text(lambda kind, prefix: simulator_base_url(root, kind, prefix), MODELS)
            )
            project = folder / "project"
            project.mkdir()
            (project / "a.py").write_text("def main():\n    return 42\n" * 50)
            (project / "b.md").write_text("# Notes\n" + "Some notes about the code.\n" * 100)
            env = {k: v for k, v in os.environ.items() if not k.startswith("FIEDLER_")}
            env.update(
                FIEDLER_CONFIG=str(config),
                FIEDLER_ALLOWED_FILE_ROOTS=str(project),
                FIEDLER_OUTPUT_DIR=str(folder / "runs"),
                FIEDLER_LOG_FILE=str(folder / "fiedler.log"),
            )
            fiedler = str(Path(sys.executable).with_name("fiedler"))
            params = StdioServerParameters(command=fiedler, args=["mcp"], env=env, cwd=str(project))
            version: list[float] = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                subprocess.run([fiedler, "--version"], env=env, capture_output=True, check=True)
                version.append(time.perf_counter() - started)
            print(f"fiedler --version            {figures(version)}")
            for mode in ("legacy", "auto"):
                times = [asyncio.run(startup(params, mode)) for _ in range(args.repeat)]
                print(f"spawn -> initialized ({mode:6}) {figures(times)}")
            walls, overheads = asyncio.run(send_overhead(params, args.repeat))
            print(f"fiedler_send wall            {figures(walls)}")
            print(f"overhead over slowest model  {figures(overheads)}")
        finally:
            simulator.kill()
            simulator.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
