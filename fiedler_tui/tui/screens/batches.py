"""The Batches screen: batch jobs with their progress; a job's units; a unit opens in Review.

The jobs are read from their state files in a worker (``f5`` again); ``f`` fetches the selected
job's ended batches in a worker, as ``fiedler batch fetch`` does. Nothing here blocks the UI.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static
from textual.worker import Worker, WorkerState

from fiedler_tui.core.batch.state import BatchStore, JobState
from fiedler_tui.core.store.run_store import RunInfo, RunStore
from fiedler_tui.tui.safe_text import plain
from fiedler_tui.tui.screens.review import ReviewScreen
from fiedler_tui.tui.widgets.errors import notify_error

if TYPE_CHECKING:
    from fiedler_tui.tui.app import FiedlerApp

JOB_COLUMNS = ("created (UTC)", "status", "units", "models", "ended", "done", "failed", "job")
UNIT_COLUMNS = ("unit", "status", "models", "run")
_ENDED = ("done", "failed", "expired", "cancelled")


def progress(job: JobState) -> tuple[int, int]:
    """Requests ended and requests in all."""
    counts = job.counts()
    return sum(counts.get(c, 0) for c in _ENDED), len(job.requests)


def unit_rows(job: JobState) -> list[tuple[str, list[str]]]:
    """(run id, cells) per unit: its name, its state, each model's status."""
    by_unit: dict[int, list[str]] = {}
    for request in sorted(job.requests.values(), key=lambda r: r.custom_id):
        by_unit.setdefault(request.unit, []).append(f"{request.model} {request.status}")
    rows = []
    for unit in job.units:
        statuses = by_unit.get(unit.index, [])
        ended = sum(1 for s in statuses if s.rsplit(" ", 1)[-1] in _ENDED)
        state = "ended" if ended == len(statuses) else f"{ended}/{len(statuses)} ended"
        rows.append((unit.run_id, [unit.name, state, ", ".join(statuses), unit.run_id]))
    return rows


class BatchesScreen(Screen[None]):
    """Batch jobs; enter lists a job's units, enter on a unit opens its answers in Review."""

    PALETTE_PREFIX = "Batches"
    AUTO_FOCUS = "#batches-table"
    BINDINGS = [
        Binding("enter", "open", "Open", id="batches-open"),
        Binding("f", "fetch", "Fetch", id="batches-fetch", tooltip="Save the ended batches"),
        Binding("f5", "refresh", "Refresh", id="batches-refresh"),
        Binding("escape", "back", "Back", id="batches-back"),
    ]

    class JobsLoaded(Message):
        def __init__(self, jobs: list[JobState]) -> None:
            super().__init__()
            self.jobs = jobs

    class UnitLoaded(Message):
        def __init__(self, info: RunInfo) -> None:
            super().__init__()
            self.info = info

    def __init__(self, store: BatchStore | None = None) -> None:
        super().__init__()
        self.store = store or BatchStore()
        self.jobs: dict[str, JobState] = {}
        self.job: JobState | None = None
        """The job whose units are listed (None: the jobs are listed)."""

    @property
    def host(self) -> FiedlerApp:
        return cast("FiedlerApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static(id="batches-help")
        yield DataTable(id="batches-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.action_refresh()

    def _help(self, text: str) -> None:
        self.query_one("#batches-help", Static).update(plain(text))

    def action_refresh(self) -> None:
        self._help(f"batch jobs in {self.store.root}: enter lists a job's units, f fetches")
        self._load()

    @work(thread=True, exclusive=True, group="batches-load", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(self.JobsLoaded(self.store.list()))

    @on(JobsLoaded)
    def _jobs_loaded(self, message: JobsLoaded) -> None:
        self.jobs = {job.job_id: job for job in message.jobs}
        if self.job is not None and self.job.job_id in self.jobs:
            self._show_units(self.jobs[self.job.job_id])
        else:
            self._show_jobs()

    def _fill(
        self, title: str, columns: tuple[str, ...], rows: list[tuple[str, list[str]]]
    ) -> None:
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.border_title = title
        cells = [(key, [plain(c) for c in row]) for key, row in rows]
        for index, name in enumerate(columns):
            table.add_column(name, width=max([len(name), *(r[index].cell_len for _, r in cells)]))
        for key, row in cells:
            table.add_row(*row, key=key)

    def _show_jobs(self) -> None:
        self.job = None
        rows = []
        for job in self.jobs.values():
            ended, total = progress(job)
            counts = job.counts()
            rows.append(
                (
                    job.job_id,
                    [
                        job.created_at[:19].replace("T", " "),
                        job.status,
                        str(len(job.units)),
                        ", ".join(m.alias for m in job.models),
                        f"{ended}/{total}",
                        str(counts.get("done", 0)),
                        str(counts.get("failed", 0)),
                        job.job_id,
                    ],
                )
            )
        self._fill(f"Batch jobs ({len(rows)})", JOB_COLUMNS, rows)
        if not rows:
            self._help(f"no batch jobs in {self.store.root} (fiedler batch submit makes one)")

    def _show_units(self, job: JobState) -> None:
        self.job = job
        ended, total = progress(job)
        self._fill(f"Job {job.job_id}: {ended}/{total} ended", UNIT_COLUMNS, unit_rows(job))
        self._help(f"answers in {job.output_dir}: enter opens a unit in Review, esc the jobs")

    def _selected(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return str(row_key.value)

    @on(DataTable.RowSelected, "#batches-table")
    def _row_selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        key = self._selected()
        if key is None:
            return
        if self.job is None:
            self._show_units(self.jobs[key])
            return
        self._open_unit(self.job.output_dir, key)

    @work(thread=True, exclusive=True, group="batches-unit", exit_on_error=False)
    def _open_unit(self, output_dir: str, run_id: str) -> None:
        store = RunStore(Path(output_dir))
        path = store.root / run_id
        if not (path / "summary.json").is_file():
            self.app.call_from_thread(
                self.notify, "no answer of this unit was fetched yet (f fetches)", markup=False
            )
            return
        self.post_message(self.UnitLoaded(store.load(path)))

    @on(UnitLoaded)
    def _unit_loaded(self, message: UnitLoaded) -> None:
        self.app.push_screen(ReviewScreen.from_saved(message.info))

    def action_fetch(self) -> None:
        job = self.job or self.jobs.get(self._selected() or "")
        if job is None:
            return
        self.notify(f"fetching {job.job_id}…", markup=False)
        self._fetch(job.job_id)

    @work(thread=True, exclusive=True, group="batches-fetch", exit_on_error=False)
    def _fetch(self, job_id: str) -> None:
        from fiedler_tui.core.batch.job import BatchRunner

        config = self.host.config
        keys: Mapping[str, str | None] = {
            name: key.value for name, key in self.host.keystore.resolve_all(config).items()
        }
        with self.store.lock(job_id):  # not while a command works on the same job
            job = self.store.load(job_id)

            async def fetch() -> int:
                async with BatchRunner(config, self.host.settings, keys, self.store) as runner:
                    return await runner.fetch(job)

            saved = asyncio.run(fetch())
        self.app.call_from_thread(self.notify, f"{job_id}: saved {saved} answers", markup=False)
        self.post_message(self.JobsLoaded(self.store.list()))

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            notify_error(self, event.worker.error, "Batch jobs")

    def action_back(self) -> None:
        if self.job is not None:
            self._show_jobs()
        else:
            self.app.pop_screen()
