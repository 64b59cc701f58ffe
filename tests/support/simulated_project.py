"""A project pointed at the simulator, as the CLI tests set it up: the running simulator, the
models.yaml naming it, the project folder and the runs folder, the environment that points a
``fiedler`` process at them, and that process run for real (:func:`run_fiedler`,
:func:`fiedler_process` serve tests with a setup of their own too)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from fiedler_tui.core.simulator.server import Simulator

CLI_TIMEOUT_S = 60


async def run_fiedler(
    args: Sequence[str], env: Mapping[str, str], cwd: Path | None
) -> tuple[int, str, str]:
    """``fiedler ARGS`` as a real process (``python -m fiedler_tui``): exit code, stdout,
    stderr."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "fiedler_tui",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=dict(env),
        cwd=cwd,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=CLI_TIMEOUT_S)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


def fiedler_process(
    args: Sequence[str], env: Mapping[str, str], cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``fiedler ARGS`` as a real process, waited for (blocking): its exit code and text
    output."""
    return subprocess.run(
        [sys.executable, "-m", "fiedler_tui", *args],
        capture_output=True,
        text=True,
        env=dict(env),
        cwd=cwd,
        timeout=CLI_TIMEOUT_S,
        check=False,
    )


@dataclass
class SimulatedProject:
    sim: Simulator
    config_path: Path
    project: Path
    output_dir: Path

    def env(self, **extra: str) -> dict[str, str]:
        """This process's environment with the config, the allowed root (the project) and the
        runs folder set, then ``extra``."""
        env = dict(os.environ)
        env.update(
            FIEDLER_CONFIG=str(self.config_path),
            FIEDLER_ALLOWED_FILE_ROOTS=str(self.project),
            FIEDLER_OUTPUT_DIR=str(self.output_dir),
        )
        env.update(extra)
        return env

    async def cli(self, *args: str, **env: str) -> tuple[int, str, str]:
        """``fiedler ARGS`` as a real process in the project folder, ``env`` added to
        :meth:`env`."""
        return await run_fiedler(args, self.env(**env), self.project)
