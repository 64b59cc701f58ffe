"""The run store on real files: modes, atomic summaries, interrupted runs, pruning, no-disk."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from fiedler_tui.core.store.names import safe_file_stem
from fiedler_tui.core.store.private_files import atomic_write_json
from fiedler_tui.core.store.run_store import (
    RESERVE_NAME,
    DiskRun,
    MemoryRun,
    RunStore,
    StoreError,
)


def tree(root: Path) -> list[tuple[str, int]]:
    if not root.exists():
        return []
    return sorted((str(p.relative_to(root)), p.stat().st_size) for p in root.rglob("*"))


def test_run_directory_and_files_are_owner_only_from_creation(tmp_path: Path) -> None:
    old = os.umask(0o000)  # the widest umask: modes must still be private
    try:
        store = RunStore(tmp_path / "deep" / "runs")
        store.preflight()
        run = store.start_run({"started_at": datetime.now(UTC).isoformat()})
        out = run.output("gpt-5")
        out.append("hello")
        out.close()
    finally:
        os.umask(old)
    assert isinstance(run, DiskRun) and run.path is not None
    for folder in (tmp_path / "deep", tmp_path / "deep" / "runs", run.path):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    for file in run.path.iterdir():
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
    assert (run.path / "gpt-5.md").read_text() == "hello"


def test_output_is_on_disk_as_it_streams_and_renamed_on_close(tmp_path: Path) -> None:
    run = RunStore(tmp_path).start_run({})
    assert run.path is not None
    out = run.output("claude/sonnet")
    out.append("first ")
    partial = run.path / "claude_sonnet.md.partial"
    assert partial.read_text() == "first "  # readable before close: nothing buffered in-process
    out.append("second")
    final = out.close()
    assert final == run.path / "claude_sonnet.md"
    assert final.read_text() == "first second"
    assert not partial.exists()


def test_file_stems_are_sanitized_capped_and_unique() -> None:
    taken: set[str] = set()
    assert safe_file_stem("a/b\\c", taken) == "a_b_c"
    assert safe_file_stem("A/B\\C", taken) == "A_B_C-2"
    assert safe_file_stem("evil\x1b[2J\nname", taken) == "evil_2Jname"
    assert safe_file_stem("../..", taken) == "model"
    long = safe_file_stem("x" * 500, taken)
    assert len(long) == 80
    assert len(safe_file_stem("x" * 500, taken)) == 80
    assert safe_file_stem("summary", {"summary"}) == "summary-2"


def test_summary_is_replaced_atomically_never_half_written(tmp_path: Path) -> None:
    path = tmp_path / "summary.json"
    atomic_write_json(path, {"n": 0})
    stop = threading.Event()
    seen: list[int] = []
    bad: list[str] = []

    def reader() -> None:
        while not stop.is_set():
            try:
                seen.append(json.loads(path.read_text())["n"])
            except json.JSONDecodeError as exc:  # a torn write would land here
                bad.append(str(exc))

    thread = threading.Thread(target=reader)
    thread.start()
    big = "x" * 200_000
    for n in range(1, 150):
        atomic_write_json(path, {"n": n, "pad": big})
    stop.set()
    thread.join()
    assert bad == []
    assert seen and seen == sorted(seen)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["summary.json"]  # no temp files left


def test_running_run_of_a_dead_process_is_reported_interrupted(tmp_path: Path) -> None:
    store = RunStore(tmp_path)
    statuses = ["running", "queued", "retrying", "streaming", "done", "failed", "cancelled", None]
    models = [{"alias": "m", "status": "running"}] + [
        {"alias": f"other-{n}", "status": status} for n, status in enumerate(statuses)
    ]
    run = store.start_run({"models": models})
    assert run.path is not None
    assert (run.path / RESERVE_NAME).exists()
    out = run.output("m")
    out.append("partial answer")  # never closed: the process "dies" here
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    summary = json.loads((run.path / "summary.json").read_text())
    summary["pid"] = int(dead.stdout)
    atomic_write_json(run.path / "summary.json", summary)
    [info] = store.list_runs()
    assert info.status == "interrupted"
    assert [m["status"] for m in info.summary["models"]] == [
        *["interrupted"] * 5,
        "done",
        "failed",
        "cancelled",
        "interrupted",
    ]
    assert [p.name for p in info.partial_files] == ["m.md.partial"]
    assert not (run.path / RESERVE_NAME).exists()  # the space set aside is given back
    assert (run.path / "m.md.partial").read_text() == "partial answer"
    assert json.loads((run.path / "summary.json").read_text())["status"] == "interrupted"


@pytest.fixture
def live_fiedler_pid() -> Iterator[int]:
    """A live process whose command line names fiedler, like a send in another terminal."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "fiedler"])
    yield proc.pid
    proc.kill()
    proc.wait()


def mark_owner(run_path: Path, pid: int) -> None:
    summary = json.loads((run_path / "summary.json").read_text())
    summary["pid"] = pid
    atomic_write_json(run_path / "summary.json", summary)


def test_running_run_of_a_live_process_stays_running(tmp_path: Path, live_fiedler_pid: int) -> None:
    store = RunStore(tmp_path)
    run = store.start_run({})
    assert run.path is not None
    mark_owner(run.path, live_fiedler_pid)
    [info] = store.list_runs()
    assert info.status == "running"


def test_unwritable_output_dir_is_refused_with_the_fix(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(StoreError, match=r"cannot create the runs folder.*FIEDLER_OUTPUT_DIR"):
        RunStore(blocker / "runs").preflight()


def test_no_disk_mode_writes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "runs"
    before = tree(tmp_path)
    store = RunStore(root, no_disk=True)
    store.preflight()
    run = store.start_run({"x": 1})
    assert isinstance(run, MemoryRun)
    out = run.output("m")
    out.append("text")
    assert out.close() is None
    run.write_summary({"status": "done"})
    assert store.list_runs() == []
    assert tree(tmp_path) == before
    assert run.outputs["m"].text == "text"


def test_retention_prunes_old_runs_but_never_the_kept_or_running(
    tmp_path: Path, live_fiedler_pid: int
) -> None:
    store = RunStore(tmp_path)
    old = datetime.now(UTC) - timedelta(days=10)
    ids = {}
    for label, started, status in (
        ("old", old, "done"),
        ("old-kept", old, "done"),
        ("old-running", old, "running"),
        ("new", datetime.now(UTC), "done"),
    ):
        run = store.start_run({"started_at": started.isoformat()}, now=started)
        assert isinstance(run, DiskRun)
        run.identity["pid"] = live_fiedler_pid  # as if a live fiedler process owned it
        run.write_summary({"started_at": started.isoformat(), "status": status})
        ids[label] = run.run_id
    removed = store.prune(7, keep={ids["old-kept"]})
    assert removed == [ids["old"]]
    left = {p.name for p in tmp_path.iterdir()}
    assert ids["old"] not in left
    assert {ids["old-kept"], ids["old-running"], ids["new"]} <= left


def test_corrupt_summary_is_listed_as_unreadable(tmp_path: Path) -> None:
    store = RunStore(tmp_path)
    run = store.start_run({})
    assert run.path is not None
    (run.path / "summary.json").write_text("{not json")
    [info] = store.list_runs()
    assert info.status == "unreadable" and "unreadable summary" in info.problem


def test_find_unknown_run(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no run 'nope'"):
        RunStore(tmp_path).find("nope")


def test_summary_with_a_bad_pid_is_listed_not_a_crash(tmp_path: Path) -> None:
    store = RunStore(tmp_path)
    run = store.start_run({})
    assert run.path is not None
    atomic_write_json(run.path / "summary.json", {"status": "running", "pid": None})
    [info] = store.list_runs()
    assert info.status == "interrupted"
    assert store.find(run.run_id).status == "interrupted"


def test_find_accepts_only_real_run_folders(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "runs")
    run = store.start_run({})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    atomic_write_json(elsewhere / "summary.json", {"status": "running", "pid": None})
    (tmp_path / "runs" / "linked").symlink_to(elsewhere)
    for bad in ("..", ".", "linked", f"../runs/{run.run_id}"):
        with pytest.raises(StoreError, match="no run"):
            store.find(bad)
    assert json.loads((elsewhere / "summary.json").read_text())["status"] == "running"
    assert store.find(run.run_id).run_id == run.run_id


def test_unwritable_runs_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same refusal as a read-only folder, made observable when the tests run as root."""

    def refuse(*args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", refuse)
    with pytest.raises(StoreError, match="not writable: Permission denied"):
        RunStore(tmp_path).preflight()
