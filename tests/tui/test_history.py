"""The History screen: runs from a real store, opening one in Review, re-running from Compose."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static, TextArea

from fiedler_tui.core.files.roots import AllowedRoots
from fiedler_tui.core.store.run_store import RunStore
from fiedler_tui.core.store.run_summary import RunSummary
from fiedler_tui.core.store.summary import (
    ModelRecord,
    PackagedFile,
    PackageFacts,
    build_summary,
    sha256_text,
)
from fiedler_tui.tui.screens.compose import ComposeScreen, prompt_memory
from fiedler_tui.tui.screens.history import HistoryScreen, saved_paths
from fiedler_tui.tui.screens.review import ReviewScreen
from fiedler_tui.tui.widgets.file_picker import FilePicker
from fiedler_tui.tui.widgets.output_pane import OutputPane

from .test_compose import make_app, screen_after_key, settle, type_prompt


def dead_pid() -> int:
    """The pid of a process that has exited."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def save_run(
    store: RunStore,
    when: datetime,
    outputs: dict[str, str],
    *,
    prompt: str = "Review the package.",
    files: tuple[str, ...] = ("src/main.py",),
    save_prompt: bool = False,
    redact: bool = False,
    interrupted: bool = False,
) -> str:
    """Write a finished (or interrupted) run the way the runner does; return its id."""
    package = PackageFacts(
        [PackagedFile(path, 10, 1, "ab" * 32) for path in files],
        10 * len(files),
        len(files),
        "cd" * 32,
    )
    summary = build_summary(
        app_version="test",
        status="running",
        started_at=when.isoformat(),
        ended_at=None,
        prompt=prompt,
        package=package,
        models=[],
        save_prompt=save_prompt,
        redact_filenames=redact,
    )
    run = store.start_run(summary, now=when)
    assert run.path is not None
    records: list[dict[str, Any]] = []
    for alias, text in outputs.items():
        record = ModelRecord(alias, "openai", f"gpt-{alias}", status="done")
        record.usage_input, record.estimate_input, record.count_method = 1100, 1000, "exact"
        record.usage_output, record.cost_usd, record.total_s = 42, 0.0123, 3.5
        if interrupted:
            (run.path / f"{alias}.md.partial").write_text(text)
            record.status = "running"
        else:
            out = run.output(alias)
            out.append(text)
            out.close()
            record.output_file = f"{alias}.md"
        records.append(record.as_dict())
    final = {
        **summary,
        "run_id": run.run_id,
        "status": "running" if interrupted else "done",
        "ended_at": None if interrupted else when.isoformat(),
        "models": records,
        "pid": dead_pid() if interrupted else os.getpid(),
        "host": socket.gethostname(),
        "cost_usd": 0.0246,
    }
    run.write_summary(final)
    return run.run_id


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "src").mkdir(parents=True)
    (root / "src" / "main.py").write_text("print('hello')\n")
    (root / "src" / "util.py").write_text("X = 1\n")
    return root


async def open_history(pilot: Pilot[Any]) -> HistoryScreen:
    """f3 (once the app has settled), then the History screen it opens."""
    return await screen_after_key(pilot, "f3", HistoryScreen)


def rows(screen: HistoryScreen) -> list[list[str]]:
    table = screen.query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_history_lists_runs_flags_interrupted_and_opens_review(project: Path) -> None:
    store = RunStore(project.parent / "runs")
    done = save_run(store, datetime(2026, 11, 1, 10, tzinfo=UTC), {"alpha": "A1", "beta": "B1"})
    broken = save_run(
        store, datetime(2026, 11, 2, 10, tzinfo=UTC), {"alpha": "half an answ"}, interrupted=True
    )
    (store.root / "20260101-000000-000000").mkdir()
    (store.root / "20260101-000000-000000" / "summary.json").write_text("{not json")
    app = make_app(project)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_history(pilot)
        table = rows(screen)
        assert [r[-1] for r in table] == [broken, done, "20260101-000000-000000"]  # newest first
        assert table[2][1].startswith("unreadable summary")
        await pilot.press("down", "down", "enter")
        assert isinstance(app.screen, HistoryScreen)
        assert any(n.title == "Cannot open this run" for n in app._notifications)
        await pilot.press("up", "up")
        assert "interrupted" in table[0][1] and "1 partial" in table[0][1]
        assert table[1][1] == "done"
        assert table[1][2] == "alpha, beta"
        await pilot.press("enter")  # the interrupted run: its partial output is shown
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        left = review.query_one("#pane-left", OutputPane)
        assert left.text.startswith("half an answ") and "interrupted" in left.text
        await pilot.press("escape", "down", "enter")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert review.texts == {"alpha": "A1", "beta": "B1"}
        assert review.query_one("#pane-right", OutputPane).text == "B1"


async def test_rerun_loads_the_files_and_the_saved_prompt(project: Path) -> None:
    store = RunStore(project.parent / "runs")
    save_run(
        store,
        datetime(2026, 11, 1, 10, tzinfo=UTC),
        {"alpha": "A"},
        files=("src/main.py", "src/util.py", "src/gone.py"),
        prompt="Find the bugs.",
        save_prompt=True,
    )
    app = make_app(project)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        compose = app.screen
        assert isinstance(compose, ComposeScreen)
        picker = compose.query_one(FilePicker)
        assert {Path(p).name for p in picker.selected} == {"main.py", "util.py"}
        assert compose.query_one("#prompt", TextArea).text == "Find the bugs."
        note = str(compose.query_one("#compose-note", Static).render())
        assert "src/gone.py" in note
        assert compose.result is not None
        assert [f.path for f in compose.result.preview.files] == ["src/main.py", "src/util.py"]


async def test_rerun_takes_an_unsaved_prompt_from_memory_or_asks_for_it(project: Path) -> None:
    store = RunStore(project.parent / "runs")
    save_run(store, datetime(2026, 11, 1, 10, tzinfo=UTC), {"alpha": "A"}, prompt="remembered")
    save_run(store, datetime(2026, 11, 2, 10, tzinfo=UTC), {"alpha": "A"}, prompt="forgotten")
    app = make_app(project)
    async with app.run_test(size=(120, 36)) as pilot:
        prompt_memory(app).remember("remembered")
        history = await open_history(pilot)
        assert [r[5] for r in rows(history)] == ["not saved", "in memory"]
        await pilot.press("r")  # newest: "forgotten" was not saved and is not remembered
        await settle(pilot)
        compose = app.screen
        assert isinstance(compose, ComposeScreen)
        assert compose.query_one("#prompt", TextArea).text == ""
        assert "was not saved" in str(compose.query_one("#compose-note", Static).render())
        assert "the prompt is empty" in compose.send_problems()
        await type_prompt(pilot, "forgot")
        assert "differs from the original" in str(
            compose.query_one("#compose-note", Static).render()
        )
        await type_prompt(pilot, "forgotten")
        note = str(compose.query_one("#compose-note", Static).render())
        assert "✓ the prompt matches" in note and "went to: alpha" in note
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("down", "r")
        await settle(pilot)
        assert compose.query_one("#prompt", TextArea).text == "remembered"
        assert sha256_text(compose.prompt) == sha256_text("remembered")


async def test_redacted_paths_cannot_be_reloaded(project: Path) -> None:
    store = RunStore(project.parent / "runs")
    save_run(
        store, datetime(2026, 11, 1, 10, tzinfo=UTC), {"alpha": "A"}, redact=True, save_prompt=True
    )
    app = make_app(project)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        compose = app.screen
        assert isinstance(compose, ComposeScreen)
        assert compose.query_one(FilePicker).selected == set()
        assert "saved as hashes" in str(compose.query_one("#compose-note", Static).render())


async def test_history_without_disk_says_so(project: Path) -> None:
    app = make_app(project, start=HistoryScreen, no_disk=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        assert "FIEDLER_NO_DISK=1" in str(screen.query_one("#history-help", Static).render())
        assert rows(screen) == []


def test_saved_paths_stay_inside_the_roots(tmp_path: Path) -> None:
    alpha, beta = tmp_path / "alpha", tmp_path / "beta"
    (alpha / "src").mkdir(parents=True)
    beta.mkdir()
    (alpha / "src" / "a.py").write_text("a")
    (beta / "b.py").write_text("b")
    (tmp_path / "outside.py").write_text("no")
    listed = ["alpha/src/a.py", "beta/b.py", "src/a.py", "../outside.py", "beta/../../outside.py"]
    summary = {"status": "done", "package": {"file_list": [{"path": p} for p in listed]}}
    found, missing = saved_paths(RunSummary.from_json(summary), AllowedRoots.of([alpha, beta]))
    assert found == [str(alpha / "src/a.py"), str(beta / "b.py"), str(alpha / "src/a.py")]
    assert missing == ["../outside.py", "beta/../../outside.py"]
