"""History: past runs from the store, newest first; open one in Review or re-run its package.

``/`` (or ``f``) filters the list as you type (:mod:`fiedler_tui.tui.history_filter`: model,
status, file, kind, dates); the summaries are read, and what the filter looks at in each, in a
thread worker. Deliberations are marked ``crosstalk:`` and runs whose outputs were not all saved
``not all saved``.

Re-running loads the saved file list as the Compose selection (unless paths were redacted) and
the prompt when the summary kept it or this app session still remembers it by its sha256;
otherwise Compose asks for the prompt again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static
from textual.worker import Worker, WorkerState

from fiedler_tui.core.files.roots import AllowedRoots
from fiedler_tui.core.files.saved_paths import find_saved_paths
from fiedler_tui.core.plural import counted
from fiedler_tui.core.store.run_store import STATUS_INTERRUPTED, RunInfo, RunStore
from fiedler_tui.core.store.run_summary import RunSummary
from fiedler_tui.tui.history_filter import RunFacts, RunFilter, parse_filter
from fiedler_tui.tui.safe_text import plain, visible
from fiedler_tui.tui.screens.choose_models import ChooseModelsScreen
from fiedler_tui.tui.screens.compose import ComposeScreen, prompt_memory
from fiedler_tui.tui.screens.review import ReviewScreen, money
from fiedler_tui.tui.widgets.errors import notify_error
from fiedler_tui.tui.widgets.palette import ScreenCommands

if TYPE_CHECKING:
    from fiedler_tui.core.config.schema import Config
    from fiedler_tui.tui.app import FiedlerApp


def saved_paths(summary: RunSummary, roots: AllowedRoots) -> tuple[list[str], list[str]]:
    """(absolute paths found under the roots, saved paths not found) for a run's file list."""
    return find_saved_paths((item.path for item in summary.package.file_list if item.path), roots)


def _known(config: Config, alias: str) -> bool:
    try:
        config.resolve(alias)
    except KeyError:
        return False
    return True


@dataclass(frozen=True)
class Rerun:
    """What Compose is loaded with to re-run a past run."""

    paths: list[str]
    prompt: str | None
    note: str
    expected_sha: str | None
    models: list[str]
    """The aliases the run went to (those models.yaml no longer has are left out by Compose)."""
    files_lost: str
    """Why the run's files are not selected (none could be loaded), or empty."""


COLUMNS = ("started", "status", "models", "cost", "files", "prompt", "run")
"""By importance: on a narrow terminal the last ones are those cut (the run id is also the
start time)."""
NARROW_COLUMNS = 100
"""Below this width the start time drops its year and seconds, and the status and models cells
are shortened (the models' turns kept), so the cost and the turns show at 80 columns."""
NARROW_STATUS = 20
NARROW_MODELS = 28
FILTER_HINT = "model:gpt-5 status:failed file:app.py since:2026-12-01 kind:crosstalk"


def _shortened(text: Text, width: int) -> Text:
    """``text`` cut to ``width`` cells, ending ``…`` when cut."""
    if text.cell_len <= width:
        return text
    cut = text.copy()
    cut.truncate(width, overflow="ellipsis")
    return cut


def _models_shortened(cell: Text, turns: int, width: int) -> Text:
    """The models cell cut to ``width`` cells, the names shortened before ``· N turns``."""
    if cell.cell_len <= width:
        return cell
    suffix = f" · {turns + 1} turns" if turns else ""
    names = cell[: len(cell) - len(suffix)] if suffix else cell
    return Text.assemble(_shortened(names, width - len(suffix)), suffix)


class FilterInput(Input):
    """The filter line: ``enter`` goes to the list keeping the filter, ``esc`` clears it."""

    BINDINGS = [
        Binding("escape", "clear_filter", "Clear filter", id="history-filter-clear"),
    ]

    def action_clear_filter(self) -> None:
        self.value = ""
        self.display = False
        self.screen.query_one("#history-table", DataTable).focus()


class HistoryScreen(Screen[None]):
    """Saved runs; enter opens one in Review, r re-runs its package and prompt from Compose."""

    PALETTE_PREFIX = "History"
    AUTO_FOCUS = "#history-table"  # not the hidden filter line
    COMMANDS = {ScreenCommands}
    BINDINGS = [
        Binding("enter", "open", "Open in Review", id="history-open"),
        Binding("r", "rerun", "Re-run", id="history-rerun", tooltip="Same files and prompt"),
        Binding(
            "R",
            "rerun_on_models",
            "Re-run on…",
            id="history-rerun-models",
            show=False,
            tooltip="Same files and prompt on models you choose first (other or extra ones)",
        ),
        Binding(
            "slash,f",
            "filter",
            "Filter",
            id="history-filter",
            tooltip="runs by " + FILTER_HINT + " (enter keeps it, esc clears it)",
            priority=True,  # before the keys typed after it are routed: see action_filter
        ),
        Binding("f5", "refresh", "Refresh", id="history-refresh"),
        Binding(
            "s",
            "scores",
            "Scores",
            id="history-scores",
            show=False,
            tooltip="Per model: runs rated, wins, mean rating, cost per win (the filter's "
            "since: and until: choose the period)",
        ),
        Binding(
            "b",
            "batches",
            "Batches",
            id="history-batches",
            show=False,
            tooltip="Batch jobs with their progress; a job's units open in Review",
        ),
        Binding("escape", "back", "Back", id="history-back"),
    ]

    class RunsLoaded(Message):
        """The store was read."""

        def __init__(
            self, runs: list[RunInfo], facts: dict[str, RunFacts], partial: dict[str, int]
        ) -> None:
            super().__init__()
            self.runs = runs
            self.facts = facts
            self.partial = partial

    def __init__(self) -> None:
        super().__init__()
        self.runs: dict[str, RunInfo] = {}
        """The runs shown (those the filter lets through), by id."""
        self.all_runs: list[RunInfo] = []
        self.facts: dict[str, RunFacts] = {}
        self.partial: dict[str, int] = {}
        """How many ``.partial`` files each interrupted run left (counted in the worker)."""
        self.run_filter = RunFilter()
        self._narrow_shown: bool | None = None
        """Whether the rows shown were shortened for a narrow terminal (None: none shown)."""
        self._where = ""

    @property
    def host(self) -> FiedlerApp:
        return cast("FiedlerApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static(id="history-help")
        field = FilterInput(placeholder=FILTER_HINT, id="history-filter")
        field.display = False  # until / or f (the list has the focus)
        yield field
        yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.border_title = "Runs"
        table.add_columns(*COLUMNS)
        self.action_refresh()

    # ---- loading ---------------------------------------------------------------------------

    def action_refresh(self) -> None:
        settings = self.host.settings
        where = (
            "FIEDLER_NO_DISK=1: runs are kept in memory only and not listed here"
            if settings.no_disk
            else f"runs in {settings.output_dir}"
        )
        self._where = where
        self.query_one("#history-help", Static).update(plain(where))
        self._load(RunStore(settings.output_dir, no_disk=settings.no_disk))

    @work(thread=True, exclusive=True, group="history-load", exit_on_error=False)
    def _load(self, store: RunStore) -> None:
        runs = store.list_runs()
        facts = {info.run_id: RunFacts.of(info) for info in runs}
        partial = {
            info.run_id: len(info.partial_files)
            for info in runs
            if info.status == STATUS_INTERRUPTED
        }
        self.post_message(self.RunsLoaded(runs, facts, partial))

    @on(RunsLoaded)
    def _runs_loaded(self, message: RunsLoaded) -> None:
        self.all_runs, self.facts, self.partial = message.runs, message.facts, message.partial
        self._show_runs()

    # ---- filter ----------------------------------------------------------------------------

    def action_filter(self) -> None:
        """Open the filter with the focus in it at once: a priority binding runs while the key
        is read, and the focus moves before the next key is routed, so everything typed or
        pasted after ``/`` lands in the filter (``focus()`` would move it only later, after
        keys already sent to the list, whose ``s`` opens the scoreboard)."""
        field = self.query_one(FilterInput)
        if self.focused is field:
            raise SkipAction()  # typing in the filter: "/" and "f" are text there
        field.display = True
        self.set_focus(field, scroll_visible=False)

    @on(Input.Changed, "#history-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.run_filter = parse_filter(event.value)
        self._show_runs()

    @on(Input.Submitted, "#history-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        field = self.query_one(FilterInput)
        field.display = bool(event.value.strip())
        self.query_one(DataTable).focus()

    def _show_runs(self) -> None:
        """Fill the table with the runs the filter lets through, keeping the cursor's run."""
        table = self.query_one(DataTable)
        current = self.selected_run()
        shown = [
            info
            for info in self.all_runs
            if info.run_id not in self.facts or self.run_filter.matches(self.facts[info.run_id])
        ]
        self.runs = {info.run_id: info for info in shown}
        total = len(self.all_runs)
        if self.run_filter.active:
            table.border_title = f"Runs: {len(shown)} of {total}"
        else:
            table.border_title = f"Runs ({total})" if total else "Runs"
        help_line = self._where
        if self.run_filter.active:
            help_line += f" · {len(shown)} of {total} runs match"
        if self.run_filter.problems:
            help_line += " · " + "; ".join(self.run_filter.problems)
        self.query_one("#history-help", Static).update(plain(help_line))
        colours = self.app.get_css_variables()
        self._narrow_shown = self.narrow
        rows = [(info.run_id, self._row(info, colours)) for info in shown]
        # Columns sized to their cells up front: sized later (when the table idles), a frame
        # drawn meanwhile could stay cut to the headers' widths.
        table.clear(columns=True)
        for index, name in enumerate(COLUMNS):
            table.add_column(name, width=max([len(name), *(r[index].cell_len for _, r in rows)]))
        for run_id, row in rows:
            table.add_row(*row, key=run_id)
        ids = [run_id for run_id, _ in rows]
        if table.row_count:
            keep = current.run_id if current is not None else None
            table.move_cursor(row=ids.index(keep) if keep in ids else 0)
        elif not self.host.settings.no_disk and not total:
            self.query_one("#history-help", Static).update(
                plain(f"no runs yet in {self.host.settings.output_dir}")
            )

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """The one place this screen's worker errors become notifications."""
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            notify_error(self, event.worker.error, "Cannot list the runs")

    def _row(self, info: RunInfo, colours: Mapping[str, str]) -> list[Text]:
        run = info.run
        prompt = run.prompt
        status = info.status
        unsaved = ", not all saved" if run.outputs_saved is False else ""
        if status == STATUS_INTERRUPTED:
            partial = self.partial.get(info.run_id, 0)
            label = "⚠ interrupted" + (f" ({partial} partial)" if partial else "")
            status_text = Text(label, style=colours.get("warning", ""))
        elif status == "failed" or info.problem:
            shown = visible(info.problem or status)
            status_text = Text(shown, style=colours.get("error", ""))
        elif status in ("partial", "cancelled") or unsaved:
            status_text = Text(visible(status + unsaved), style=colours.get("warning", ""))
        else:
            status_text = plain(status)
        if prompt.text is not None:
            prompt_state = "saved"
        elif prompt.sha256 is not None and prompt_memory(self.app).get(prompt.sha256):
            prompt_state = "in memory"
        else:
            prompt_state = "not saved"
        files = run.package.files
        started = (run.started_at or "?")[:19].replace("T", " ")
        models = self._models_cell(info, colours)
        if self.narrow:
            started = started[5:16] if len(started) == 19 else started
            status_text = _shortened(status_text, NARROW_STATUS)
            models = _models_shortened(models, len(info.run.turns), NARROW_MODELS)
        return [
            plain(started),
            status_text,
            models,
            plain(money(run.total_cost_usd)),  # every turn's
            plain("–" if files is None else str(files)),
            plain(prompt_state),
            plain(info.run_id),
        ]

    @property
    def narrow(self) -> bool:
        """Whether the rows are shortened to fit a narrow terminal (:data:`NARROW_COLUMNS`)."""
        return self.app.size.width < NARROW_COLUMNS

    def on_resize(self) -> None:
        if self.narrow != self._narrow_shown:
            self._show_runs()

    @staticmethod
    def _models_cell(info: RunInfo, colours: Mapping[str, str]) -> Text:
        """The aliases (and the turns, when the run was followed up); a deliberation's marked
        ``crosstalk:`` in the accent colour."""
        names = plain(", ".join(m.alias or "?" for m in info.run.models))
        if info.run.turns:
            names.append(f" · {len(info.run.turns) + 1} turns")
        if not info.run.is_deliberation:
            return names
        return Text.assemble(("crosstalk: ", colours.get("accent", "")), names)

    # ---- actions ---------------------------------------------------------------------------

    def selected_run(self) -> RunInfo | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return self.runs.get(str(row_key.value))

    @on(DataTable.RowSelected, "#history-table")
    def _row_selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        info = self.selected_run()
        if info is None:
            return
        if info.problem:
            self.notify(info.problem, title="Cannot open this run", severity="error", markup=False)
            return
        if info.run.is_deliberation:
            from fiedler_tui.tui.screens.deliberation_review import DeliberationReviewScreen

            self.app.push_screen(DeliberationReviewScreen.from_saved(info))
            return
        self.app.push_screen(ReviewScreen.from_saved(info))

    def action_rerun(self) -> None:
        info = self.selected_run()
        if info is not None:
            self._open_compose(self._rerun_of(info))

    def action_rerun_on_models(self) -> None:
        """Choose the models first (the run's own ticked), then Compose as for ``r``."""
        info = self.selected_run()
        if info is None:
            return
        if not self.host.config_ready:
            self.notify(self.host.no_config_reason, severity="warning")
            return
        rerun = self._rerun_of(info)
        names = list(self.host.config.models)

        def chosen(models: list[str] | None) -> None:
            if models:
                note = f"{rerun.note}\nre-run on: {', '.join(models)}".strip()
                self._open_compose(replace(rerun, models=models, note=note))

        self.app.push_screen(
            ChooseModelsScreen(f"Re-run {info.run_id} on:", names, rerun.models), chosen
        )

    def _rerun_of(self, info: RunInfo) -> Rerun:
        summary = info.run
        package = summary.package
        paths: list[str] = []
        notes: list[str] = []
        if package.paths_redacted:
            notes.append("file names of this run were saved as hashes: select the files again")
        else:
            roots = AllowedRoots.from_settings(self.host.settings)
            paths, missing = saved_paths(summary, roots)
            if missing:
                shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
                notes.append(
                    f"{counted(len(missing), 'file')} no longer under the allowed roots: {shown}"
                )
        prompt_info = summary.prompt
        prompt = prompt_info.text
        digest = prompt_info.sha256
        if prompt is None and digest is not None:
            prompt = prompt_memory(self.app).get(digest)
        expected: str | None = None
        if prompt is None:
            expected = digest
            chars = "?" if prompt_info.chars is None else prompt_info.chars
            notes.append(
                f"the prompt of run {info.run_id} was not saved ({chars} chars): type it again"
            )
        models = [m.alias for m in summary.models if m.alias]
        config = self.host.config if self.host.config_ready else None
        if models:
            notes.append(f"run {info.run_id} went to: {', '.join(models)}")
        gone = [m for m in models if config is not None and not _known(config, m)]
        if gone:
            notes.append(f"no longer in models.yaml: {', '.join(gone)}")
        had = package.files
        files_lost = ""
        if not paths and had is not None and had > 0:
            files_lost = f"none of the {counted(had, 'file')} of run {info.run_id} could be loaded"
        return Rerun(paths, prompt, "\n".join(notes), expected, models, files_lost)

    def _open_compose(self, rerun: Rerun) -> None:
        stack = self.app.screen_stack
        compose = next((s for s in reversed(stack) if isinstance(s, ComposeScreen)), None)
        if compose is None:
            self.app.switch_screen(
                ComposeScreen(
                    rerun.paths,
                    rerun.prompt or "",
                    models=rerun.models,
                    note=rerun.note,
                    expected_prompt_sha256=rerun.expected_sha,
                    files_lost=rerun.files_lost,
                )
            )
        else:
            for _ in range(len(stack)):
                if self.app.screen is compose:
                    break
                self.app.pop_screen()
            compose.load(
                rerun.paths,
                rerun.prompt,
                rerun.note,
                rerun.expected_sha,
                models=rerun.models,
                files_lost=rerun.files_lost,
            )
        chosen = f"{counted(len(rerun.models), 'model')} of that run selected"
        if rerun.files_lost:
            self.notify(
                f"{rerun.files_lost}: select files before sending; {chosen}",
                title="Files not loaded",
                severity="warning",
                timeout=12,
            )
        else:
            self.notify(f"loaded {counted(len(rerun.paths), 'file')}, {chosen}: ctrl+s sends")

    def action_scores(self) -> None:
        """The scoreboard over the filter's ``since:``/``until:`` period."""
        from fiedler_tui.tui.screens.scores import ScoresScreen, filter_period

        settings = self.host.settings
        root = None if settings.no_disk else settings.output_dir
        self.app.push_screen(ScoresScreen(root, filter_period(self.run_filter.terms)))

    def action_batches(self) -> None:
        from fiedler_tui.tui.screens.batches import BatchesScreen

        self.app.push_screen(BatchesScreen())

    def action_back(self) -> None:
        self.app.pop_screen()
