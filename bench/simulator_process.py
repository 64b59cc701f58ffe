"""The provider simulator in its own process (its CPU is not charged to what a benchmark times)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def start_simulator(
    scripts: Mapping[str, Any], folder: Path, cwd: Path | None = None
) -> tuple[subprocess.Popen[str], str]:
    """Start ``python -m fiedler_tui.core.simulator`` serving ``scripts`` (model id -> script
    JSON, written to ``folder/scripts.json``); the process and its base URL once it is ready."""
    path = folder / "scripts.json"
    path.write_text(json.dumps(scripts), "utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "fiedler_tui.core.simulator", "--scripts", str(path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=None if cwd is None else str(cwd),
    )
    assert process.stdout is not None
    line = process.stdout.readline().split()
    if line[:1] != ["ready"]:
        process.kill()
        raise SystemExit(f"simulator did not start: {line}")
    return process, f"http://127.0.0.1:{line[1]}"
