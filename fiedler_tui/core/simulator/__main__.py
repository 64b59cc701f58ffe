"""Serve the simulator from the command line.

``python -m fiedler_tui.core.simulator --demo`` prints the demo's models.yaml and serves it;
``--scripts FILE`` serves scripts from JSON (``{"model-id": {ModelScript fields}}``), printing
``ready <port>`` on the first line so a parent process (the benchmark) can connect.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from fiedler_tui.core.simulator.demo import DemoEnvironment
from fiedler_tui.core.simulator.script import ModelScript
from fiedler_tui.core.simulator.server import Simulator


async def _serve_scripts(scripts: dict[str, ModelScript], port: int) -> None:
    async with Simulator(scripts, port=port) as sim:
        print(f"ready {sim.port}", flush=True)
        await asyncio.Event().wait()


async def _serve_demo() -> None:
    async with DemoEnvironment() as demo:
        print(demo.config_text, flush=True)
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fiedler_tui.core.simulator")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--demo", action="store_true", help="serve the demo models")
    group.add_argument("--scripts", type=Path, help="JSON file of model scripts")
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    args = parser.parse_args(argv)
    try:
        if args.demo:
            asyncio.run(_serve_demo())
        else:
            data = json.loads(args.scripts.read_text("utf-8"))
            scripts = {name: ModelScript.from_json(item) for name, item in data.items()}
            asyncio.run(_serve_scripts(scripts, args.port))
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
