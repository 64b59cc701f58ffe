"""`fiedler send` as a real process whose output folder is on a small disk that fills mid-run."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from fiedler_tui.core.simulator.models_yaml import SimulatedModel
from fiedler_tui.core.simulator.script import Fault, ModelScript
from tests.support.small_disk import SmallDisk, running_as_root, small_disk

from .conftest import SendWorld, make_world

LONG = "".join(
    f"Point {i:03d}: the retry loop must not repeat text already shown.\n" for i in range(240)
)
STALL_AFTER = 40
"""Tokens sent before the long answer pauses (the test fills the disk during the pause)."""
SHORT = "All good. " * 20


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[SmallDisk]:
    # Room for the send's preflight (50 MB free) and nothing more once filled.
    with small_disk(tmp_path, "52m") as made:
        assert made.real or not running_as_root(), "as root the tmpfs must be mounted"
        yield made


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[SendWorld]:
    script = ModelScript(reply=LONG, faults=(Fault.stall(after_tokens=STALL_AFTER, stall_s=1.0),))
    models = [
        SimulatedModel(name="long", kind="openai", script=script),
        SimulatedModel(name="fast", kind="anthropic", script=ModelScript(reply=SHORT)),
    ]
    (tmp_path / "world").mkdir()
    async for built in make_world(tmp_path / "world", models):
        yield built


def holds(path: Path, size: int) -> bool:
    return path.is_file() and path.stat().st_size >= size


async def wait_for_size(path: Path, size: int, timeout_s: float = 20) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while loop.time() < deadline:
        if holds(path, size):
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"{path} never reached {size} bytes")


async def test_full_disk_mid_run_is_reported_and_nothing_is_lost(
    world: SendWorld, disk: SmallDisk
) -> None:
    runs = disk.path / "runs"
    proc = await asyncio.create_subprocess_exec(
        *disk.command("send", str(world.project), "-p", "go", "-m", "long", "-m", "fast", "--json"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=world.env(FIEDLER_OUTPUT_DIR=str(runs)),
        cwd=world.project,
    )
    before_pause = "".join(ModelScript(reply=LONG).tokens()[:STALL_AFTER]).encode()
    partial = None
    try:
        for _ in range(1000):
            found = list(runs.glob("*/long.md.partial"))
            if found:
                partial = found[0]
                break
            await asyncio.sleep(0.02)
        assert partial is not None, "the run never started"
        await wait_for_size(partial, len(before_pause))
        await wait_for_size(partial.parent / "fast.md", len(SHORT))
        disk.fill()  # during the pause: the rest of the long answer finds the disk full
        out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    stderr = err.decode()
    assert proc.returncode == 1, stderr
    on_disk = partial.stat().st_size
    total = len(LONG.encode())
    assert 0 < on_disk < total
    assert LONG.encode().startswith(partial.read_bytes())
    assert (
        f"long: output not saved: {on_disk:,} of {total:,} bytes on disk "
        "(No space left on device); the full text is in the --json output" in stderr
    )
    assert "fast: output not saved" not in stderr
    assert "NOT completely saved" in stderr
    report = json.loads(out)
    models = {m["alias"]: m for m in report["models"]}
    assert models["long"]["unsaved_text"] == LONG  # every byte the simulator sent
    assert models["long"]["saved"] is False and models["long"]["bytes_saved"] == on_disk
    assert "unsaved_text" not in models["fast"] and models["fast"]["saved"] is True
    assert [p["model"] for p in report["save_problems"]] == ["long"]
    assert report["save_problems"][0]["path"] == str(partial)
    # The last summary went into the space set aside at the start: the run is not 'running'.
    saved = json.loads((partial.parent / "summary.json").read_text())
    assert saved["status"] == "done" and saved["outputs_saved"] is False
    saved_models = {m["alias"]: m for m in saved["models"]}
    assert saved_models["long"]["output_file"] == "long.md.partial"
    assert saved_models["long"]["bytes_saved"] == on_disk
    assert saved_models["long"]["bytes_total"] == total
    assert (partial.parent / "fast.md").read_text() == SHORT
