"""Writes on a full disk: a real tmpfs (root) that the test fills, or the emulated one.

Every test runs on the disk the machine allows; as root it must be the real tmpfs, and the
emulation (used where mounting is not allowed) is checked against the same expectations.
"""

from __future__ import annotations

import errno
import json
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from fiedler_tui.core.store.output_file import OutputFile
from fiedler_tui.core.store.run_store import RESERVE_NAME, SUMMARY_NAME, RunStore
from fiedler_tui.core.store.save_elsewhere import held_files, save_elsewhere
from fiedler_tui.core.store.save_problems import SaveProblem
from tests.support.small_disk import SmallDisk, running_as_root, small_disk

TEXT = "".join(f"line {i:05d}: the model goes on about the package\n" for i in range(400))


@pytest.fixture(params=["as-allowed", "emulated"])
def disk(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SmallDisk]:
    emulated = request.param == "emulated"
    if emulated and not running_as_root():
        pytest.skip("the emulation is already what 'as-allowed' runs here")
    with small_disk(tmp_path, "1m", emulated=emulated) as made:
        if not emulated and running_as_root():
            assert made.real, "as root the tmpfs must be mounted, not emulated"
        yield made


def test_output_keeps_what_the_disk_took_and_stays_partial(disk: SmallDisk) -> None:
    output = OutputFile(disk.path / "gpt-5.md")
    half = len(TEXT) // 3
    output.append(TEXT[:half])
    disk.fill()
    with pytest.raises(OSError) as raised:
        output.append(TEXT[half:])
    assert raised.value.errno == errno.ENOSPC
    output.append("more text after the failure")  # ignored: the file would have a hole
    path, on_disk = output.on_disk()
    assert path == disk.path / "gpt-5.md.partial"
    assert on_disk == output.bytes_written < len(TEXT)
    if disk.real:
        assert on_disk % 4096 == 0  # the last page was filled, no more
    with pytest.raises(OSError):
        output.close(TEXT)  # still full: the second try fails too
    assert not (disk.path / "gpt-5.md").exists()
    assert TEXT.encode().startswith(path.read_bytes())
    assert output.closed


def test_output_completed_on_close_once_space_is_back(disk: SmallDisk) -> None:
    output = OutputFile(disk.path / "claude.md")
    output.append(TEXT[:100])
    disk.fill()
    with pytest.raises(OSError):
        output.append(TEXT[100:])
    disk.free()
    assert output.close(TEXT) == disk.path / "claude.md"
    assert (disk.path / "claude.md").read_text() == TEXT
    assert not (disk.path / "claude.md.partial").exists()
    assert output.on_disk() == (disk.path / "claude.md", len(TEXT.encode()))


def test_last_summary_is_written_in_the_space_set_aside(disk: SmallDisk) -> None:
    run = RunStore(disk.path / "runs").start_run({})
    folder = run.path
    assert folder is not None
    reserve = folder / RESERVE_NAME
    assert reserve.stat().st_size >= 64 * 1024
    assert stat.S_IMODE(reserve.stat().st_mode) == 0o600
    summary = {"status": "running", "models": [{"alias": "gpt-5", "status": "streaming"}]}
    run.write_summary(summary)
    disk.fill()
    with pytest.raises(OSError) as raised:
        run.write_summary({**summary, "note": "x" * 8000})
    assert raised.value.errno == errno.ENOSPC
    final = {"status": "done", "models": [{"alias": "gpt-5", "status": "done"}], "pad": "y" * 9000}
    run.write_summary(final, last=True)
    written = json.loads((folder / SUMMARY_NAME).read_text())
    assert written["status"] == "done" and written["pad"] == final["pad"]
    assert not reserve.exists()
    assert sorted(p.name for p in folder.iterdir()) == [SUMMARY_NAME]  # no temp file left


def test_save_elsewhere_writes_owner_only_files_and_never_replaces(tmp_path: Path) -> None:
    problems = [
        SaveProblem(model="gpt-5", path=None, error="No space left on device", bytes_held=9),
        SaveProblem(model=None, path=None, error="No space left on device"),
    ]
    files = held_files(problems, lambda alias: f"text of {alias}", lambda: {"status": "done"})
    assert files == {"gpt-5.md": "text of gpt-5", "summary.json": '{\n  "status": "done"\n}\n'}
    folder = tmp_path / "rescue" / "run-1"
    first = save_elsewhere(folder, files)
    assert first.failed == [] and [p.name for p in first.written] == ["gpt-5.md", "summary.json"]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "rescue").stat().st_mode) == 0o700
    for path in first.written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert (folder / "gpt-5.md").read_text() == "text of gpt-5"
    again = save_elsewhere(folder, {"gpt-5.md": "second"})
    assert [p.name for p in again.written] == ["gpt-5-2.md"]
    assert (folder / "gpt-5.md").read_text() == "text of gpt-5"


def test_save_elsewhere_on_a_full_disk_reports_and_leaves_no_half_file(disk: SmallDisk) -> None:
    folder = disk.path / "rescue"
    folder.mkdir()
    disk.fill()
    result = save_elsewhere(folder, {"gpt-5.md": TEXT})
    assert result.written == []
    assert result.failed == [("gpt-5.md", "No space left on device")]
    assert list(folder.iterdir()) == []
