"""SendSession when writes fail mid-run: the second try at the end, and a summary never written.

The disk is changed between two events of the run (the session yields each event after
recording it), so the moment of the failure is exact.
"""

from __future__ import annotations

import argparse
import io
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from fiedler_tui.commands.context import CommandContext
from fiedler_tui.commands.send_report import report_end
from fiedler_tui.core.budget import DryRunEngine, DryRunOptions
from fiedler_tui.core.config.loader import load_config
from fiedler_tui.core.runner import Finished, TextDelta
from fiedler_tui.core.send import SendSession
from fiedler_tui.core.settings import Settings
from fiedler_tui.core.simulator.models_yaml import SimulatedModel
from fiedler_tui.core.simulator.script import ModelScript
from fiedler_tui.core.store.save_problems import SaveProblem
from tests.support.small_disk import SmallDisk, running_as_root, small_disk

from .conftest import SendWorld, make_world

LONG = "".join(
    f"Point {i:03d}: every timeout should say which limit was hit.\n" for i in range(240)
)
SHORT = "All good. " * 20


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[SmallDisk]:
    with small_disk(tmp_path, "52m") as made:  # the send's preflight wants 50 MB free
        assert made.real or not running_as_root(), "as root the tmpfs must be mounted"
        yield made


@pytest.fixture
async def world(
    tmp_path: Path, disk: SmallDisk, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[SendWorld]:
    models = [
        # "long" starts answering once "fast" has ended (a test fills the disk in between).
        SimulatedModel(name="long", kind="openai", script=ModelScript(reply=LONG, ttft_s=0.3)),
        SimulatedModel(name="fast", kind="gemini", script=ModelScript(reply=SHORT)),
    ]
    (tmp_path / "world").mkdir()
    async for built in make_world(tmp_path / "world", models):
        built.point_here(monkeypatch, FIEDLER_OUTPUT_DIR=str(disk.path / "runs"))
        yield built


def new_session(world: SendWorld) -> SendSession:
    settings = Settings.from_env()
    config = load_config()
    with DryRunEngine(settings) as engine:
        result = engine.run(
            [world.project],
            [config.resolve(m) for m in ("long", "fast")],
            DryRunOptions(prompt="review"),
        )
    session = SendSession(
        config=config, settings=settings, keys={}, result=result, aliases=["long", "fast"]
    )
    session.preflight()
    return session


async def test_output_completed_at_the_end_when_space_came_back(
    world: SendWorld, disk: SmallDisk
) -> None:
    session = new_session(world)
    seen: list[SaveProblem] = []
    async with session:
        async for event in session.events():
            if isinstance(event, Finished) and event.model == "fast":
                disk.fill()  # "long" has not started: its file is empty, every write fails
            elif isinstance(event, TextDelta) and not seen and session.save_problems():
                seen = session.save_problems()
                disk.free()  # before "long" ends: the second try finds room
    assert [(p.model, p.error, p.bytes_on_disk) for p in seen] == [
        ("long", "No space left on device", 0)
    ]
    assert session.save_problems() == []
    assert session.recorder is not None and session.recorder.problems_version == 2
    assert session.run_path is not None
    assert (session.run_path / "long.md").read_text() == LONG  # the missing part written
    assert not (session.run_path / "long.md.partial").exists()
    summary = json.loads((session.run_path / "summary.json").read_text())
    assert summary["status"] == "done" and summary["outputs_saved"] is True
    long = summary["models"][0]
    assert long["saved"] is True and long["output_error"] is None
    assert long["bytes_saved"] == long["bytes_total"] == len(LONG.encode())


async def test_summary_that_cannot_be_written_is_reported_with_the_run(world: SendWorld) -> None:
    session = new_session(world)
    async with session:
        async for event in session.events():
            if isinstance(event, TextDelta) and session.run_path is not None:
                summary = session.run_path / "summary.json"
                if summary.is_file():  # a folder in its place: every later write fails
                    summary.unlink()
                    summary.mkdir()
                    (summary / "keep").write_text("")
    assert session.status == "done"
    assert session.run_path is not None
    where = session.run_path / "summary.json"
    assert session.save_problems() == [SaveProblem(model=None, path=where, error="Is a directory")]
    stdout, stderr = io.StringIO(), io.StringIO()
    ctx = CommandContext(Settings.from_env(), stdout=stdout, stderr=stderr)
    args = argparse.Namespace(json=True, events=False)
    assert report_end(session, args, ctx) is False
    assert (
        f"summary not saved (Is a directory): the run folder's {where} is out of date; "
        "it is in the --json output"
    ) in stderr.getvalue()
    report = json.loads(stdout.getvalue())
    assert report["status"] == "done"
    assert report["save_problems"] == [
        {
            "what": "summary",
            "model": None,
            "path": str(where),
            "error": "Is a directory",
            "bytes_on_disk": 0,
            "bytes_held": 0,
        }
    ]
    assert all("unsaved_text" not in m for m in report["models"])
