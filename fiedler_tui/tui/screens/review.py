"""Review: a run's outputs, one at a time or two side by side (scrolling together), its summary.

Outputs are shown rendered as Markdown (each rendered once per width, then drawn row by row:
``OutputPane``), or as raw text; ``m`` switches both panes between the two for as long as the
screen is open. Side by side, the two panes never show the same model's output.

Built from a saved run (:meth:`ReviewScreen.from_saved`: outputs are read from the run folder in
a thread worker) or from memory (``ReviewScreen(summary, texts)``: a live session, or a run made
with ``FIEDLER_NO_DISK=1``).
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Horizontal
from textual.markup import escape
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Static
from textual.worker import Worker, WorkerState

from fiedler_tui.core.errors import FiedlerError
from fiedler_tui.core.export.write import ExportFormat, export_run
from fiedler_tui.core.plural import counted
from fiedler_tui.core.store.names import safe_file_stem
from fiedler_tui.core.store.output_file import PARTIAL_SUFFIX
from fiedler_tui.core.store.run_store import RunInfo, RunStore
from fiedler_tui.core.store.run_summary import (
    RunSummary,
    SummaryError,
    model_error,
    model_record,
    saved_output,
)
from fiedler_tui.core.store.summary import ModelRecord
from fiedler_tui.tui.clipboard import send_to_clipboard
from fiedler_tui.tui.collector_tuning import CollectorTuning
from fiedler_tui.tui.footer_hiding import hidden_from_footer
from fiedler_tui.tui.safe_text import plain
from fiedler_tui.tui.screens.export_choice import ExportChoiceScreen
from fiedler_tui.tui.screens.review_judging import JudgingScreen
from fiedler_tui.tui.widgets.diff_view import DiffView
from fiedler_tui.tui.widgets.errors import notify_error
from fiedler_tui.tui.widgets.find import FindableView
from fiedler_tui.tui.widgets.find_bar import FindBar
from fiedler_tui.tui.widgets.markdown_view import MarkdownView
from fiedler_tui.tui.widgets.output_pane import OutputPane
from fiedler_tui.tui.widgets.palette import PaletteCommand, ScreenCommands

MAX_OUTPUT_BYTES = 8_000_000
"""Longest output read for display; the rest is left in the file."""


def read_output(folder: Path, record: ModelRecord | Mapping[str, Any], taken: set[str]) -> str:
    """A model's saved output (final file, else the ``.partial`` left by an interrupted run)."""
    record = record if isinstance(record, ModelRecord) else model_record(record)
    name = record.output_file
    stem = safe_file_stem(record.alias, taken)
    names = [name] if name else []
    names.append(f"{stem}.md")
    for candidate in dict.fromkeys(names):
        if "/" in candidate or os.sep in candidate or candidate.startswith(".."):
            continue
        for path in (folder / candidate, folder / (candidate + PARTIAL_SUFFIX)):
            if path.is_file() and not path.is_symlink():
                with path.open("rb") as handle:
                    data = handle.read(MAX_OUTPUT_BYTES + 1)
                text = data[:MAX_OUTPUT_BYTES].decode("utf-8", errors="replace")
                if len(data) > MAX_OUTPUT_BYTES:
                    text += f"\n\n[… cut at {MAX_OUTPUT_BYTES:,} bytes; the file holds the rest]"
                if path.name.endswith(PARTIAL_SUFFIX):
                    text += "\n\n[… interrupted: this is the part received before the run stopped]"
                return text
    return ""


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def money(value: Any) -> str:
    """US dollars to four places, or a dash."""
    return f"${value:.4f}" if _is_number(value) else "–"


def _num(value: Any, fmt: str = ",") -> str:
    return format(value, fmt) if _is_number(value) else "–"


def usage_vs_estimate(record: ModelRecord | Mapping[str, Any]) -> str:
    """``used / estimated (method) ±x%``, then how many input tokens were cached."""
    record = record if isinstance(record, ModelRecord) else model_record(record)
    used, estimate = record.usage_input, record.estimate_input
    text = f"{_num(used)} / {_num(estimate)} ({record.count_method or '?'})"
    if used is not None and estimate is not None and estimate > 0:
        text += f" {100 * (used - estimate) / estimate:+.0f}%"
    cached = record.usage_cached_input
    if cached is not None and cached > 0:
        text += f", {cached:,} cached"
    return text


def _reasoning(record: ModelRecord) -> str:
    """`` (reasoning N)``: the part of the output spent thinking, where it was reported."""
    tokens = record.usage_reasoning
    return f" (reasoning {tokens:,})" if tokens is not None else ""


def read_thinking(folder: Path, record: ModelRecord) -> str:
    """A model's saved reasoning (``<stem>.thinking.md``, or what a crash left of it)."""
    path = saved_output(folder, record.thinking_file)
    if path is None:
        return ""
    with path.open("rb") as handle:
        data = handle.read(MAX_OUTPUT_BYTES)
    return data.decode("utf-8", errors="replace")


def _error_code(record: ModelRecord) -> str:
    error = model_error(record)
    return error.code if error is not None else ""


def error_text(record: ModelRecord) -> str:
    """``code: message (HTTP n, provider, n retries, request id)`` or empty."""
    error = model_error(record)
    if error is None:
        return ""
    details = []
    if error.http_status:
        details.append(f"HTTP {error.http_status}")
    if error.provider:
        details.append(error.provider)
    if error.retry_count:
        details.append(f"{error.retry_count} retries")
    if error.request_id:
        details.append(f"request {error.request_id}")
    extra = f" ({', '.join(details)})" if details else ""
    return f"{error.code}: {error.message}{extra}"


def _typed(summary: Mapping[str, Any]) -> RunSummary:
    """The summary read (an unreadable one as an empty one; a status-less one shows ``?``)."""
    try:
        return RunSummary.from_json({"status": "?", **summary})
    except SummaryError:
        return RunSummary.empty()


def _fraction(view: Widget) -> float:
    """How far ``view`` is scrolled, as a fraction of its scroll range."""
    return view.scroll_y / view.max_scroll_y if view.max_scroll_y else 0.0


class ReviewScreen(JudgingScreen):
    """The outputs of one run and its summary (blind mode, ratings and the diff view:
    :class:`JudgingScreen`)."""

    PALETTE_PREFIX = "Review"
    COMMANDS = {ScreenCommands}
    BINDINGS = [
        Binding("n", "next_output", "Next", id="review-next", tooltip="Next output in this pane"),
        Binding("p", "previous_output", "Prev", id="review-previous", tooltip="Previous output"),
        Binding(
            "s", "toggle_split", "Split", id="review-split", tooltip="Two outputs side by side"
        ),
        Binding(
            "l", "toggle_sync", "Sync scroll", id="review-sync", tooltip="Panes scroll together"
        ),
        Binding(
            "m",
            "toggle_markdown",
            "Rendered/Raw",
            id="review-markdown",
            tooltip="Show the outputs as rendered Markdown or as raw text",
        ),
        Binding("c", "copy_output", "Copy", id="review-copy", tooltip="Copy this pane's output"),
        Binding(
            "y", "copy_folder", "Copy folder", id="review-copy-folder", tooltip="Run folder path"
        ),
        Binding("escape", "back", "Back", id="review-back"),
        Binding(
            "slash",
            "find",
            "Find",
            id="review-find",
            tooltip="Find text in this pane's output (enter/down next, up previous)",
        ),
        Binding(
            "e",
            "export",
            "Export",
            id="review-export",
            tooltip="Write the run's report (Markdown or HTML) into its folder",
        ),
        Binding(
            "t",
            "toggle_thinking",
            "Thinking",
            id="review-thinking",
            show=False,
            tooltip="Show each pane's thinking (the model's reasoning) instead of its answer",
        ),
        Binding(
            "f",
            "follow_up(False)",
            "Follow up",
            id="review-follow-up",
            show=False,
            tooltip="Ask this pane's model a follow-up (its own conversation goes on)",
        ),
        Binding(
            "F",
            "follow_up(True)",
            "Follow up all",
            id="review-follow-up-all",
            show=False,
            tooltip="Ask every model of the run a follow-up (each its own conversation)",
        ),
    ]
    NARROW_FOOTER_HIDES: ClassVar[frozenset[str]] = frozenset(
        {"review-previous", "review-sync", "review-markdown", "review-copy-folder"}
    )
    """Keys left out of the footer below :attr:`FULL_FOOTER_COLUMNS` (still keys, in Help and
    the palette), so that ``esc`` Back and ``f1`` Help fit down to 80 columns."""
    FULL_FOOTER_COLUMNS: ClassVar[int] = 140
    """The width every key of the footer, the app's and the palette's fit in."""
    TUNE_GC: ClassVar[bool] = True
    """Collect less while the screen is up (:class:`CollectorTuning`): rendering a long answer
    makes hundreds of thousands of segments and styles, and full collections over everything the
    app holds would stall keys and repaints meanwhile."""

    class OutputsLoaded(Message):
        """The outputs were read from the run folder."""

        def __init__(
            self,
            texts: dict[str, str],
            turns: int = 1,
            thinking: dict[str, str] | None = None,
            costs: list[float | None] | None = None,
        ) -> None:
            super().__init__()
            self.texts = texts
            self.turns = turns
            self.thinking = thinking or {}
            self.costs = costs
            """Each turn's cost, turn 1 first (None: not read)."""

    def __init__(
        self,
        summary: Mapping[str, Any],
        texts: Mapping[str, str] | None = None,
        folder: Path | None = None,
        *,
        thinking: Mapping[str, str] | None = None,
        at_turn: int | None = None,
    ) -> None:
        """``texts`` maps alias -> output; when None they are read from ``folder``, and so is
        each model's ``thinking`` (its reasoning; alias -> text). ``at_turn``: once the threads
        are read, each pane opens at that follow-up turn's heading (where its model has one)."""
        super().__init__()
        self.summary = dict(summary)
        self.run = _typed(self.summary)
        self.folder = folder
        self.records: list[ModelRecord] = list(self.run.models)
        self.aliases: list[str] = [m.alias or "?" for m in self.records]
        self.texts: dict[str, str] = dict(texts or {})
        for alias in self.texts:
            if alias not in self.aliases:
                self.aliases.append(alias)
        self._load_from_disk = texts is None and folder is not None
        self.split = len(self.aliases) > 1
        self.sync = True
        self.rendered = True
        """Outputs as rendered Markdown (those not too large), else as raw text; both panes."""
        self.shown = [0, 1 if len(self.aliases) > 1 else 0]
        self._syncing = False
        self._right_stale = False
        """The hidden right pane was not updated (rendering it would be wasted until shown)."""
        self._synced_views: weakref.WeakSet[Widget] = weakref.WeakSet()
        self._collector = CollectorTuning()
        self.turns = 1
        """Turns of the run (follow-ups: each model's text shows its thread)."""
        self.turn_costs: list[float | None] = [
            self.run.cost_usd,
            *(t.cost_usd for t in self.run.turns),
        ]
        """Each turn's cost, turn 1 first: from the summary, then from the turns' folders."""
        self.thinking: dict[str, str] = {a: t for a, t in (thinking or {}).items() if t}
        """alias -> the model's reasoning, shown instead of the answer with t."""
        self.show_thinking = False
        self._reread_on_resume = False
        self.at_turn = at_turn
        self.setup_judging()

    @classmethod
    def from_saved(cls, info: RunInfo, *, at_turn: int | None = None) -> ReviewScreen:
        """A saved run: its summary now, its outputs (each model's thread) read from its folder
        once shown, each pane at follow-up turn ``at_turn`` if given."""
        summary = dict(info.summary)
        summary.setdefault("run_id", info.run_id)
        return cls(summary, None, info.path, at_turn=at_turn)

    def compose(self) -> ComposeResult:
        yield Static(self._header(), id="review-header")
        yield DataTable(id="review-summary", cursor_type="row", zebra_stripes=True)
        yield Static(self._errors(), id="review-errors")
        yield Static(id="review-blind")
        with Horizontal(id="review-panes"):
            yield OutputPane(id="pane-left")
            yield OutputPane(id="pane-right")
        yield DiffView(id="review-diff")
        yield FindBar(id="review-find-bar")
        yield Footer()

    async def on_mount(self) -> None:
        if self.TUNE_GC:
            self._collector.start()
        table = self.query_one("#review-summary", DataTable)
        table.border_title = "Summary"
        self.fill_summary()
        self.query_one("#review-errors").display = any(error_text(r) for r in self.records)
        self.query_one("#review-blind").display = False
        self.query_one("#review-diff").display = False
        self.read_ratings()
        if self._load_from_disk and self.folder is not None:
            self._read_outputs(self.folder, self.records)
        await self._show_panes()
        # At once, not after the queued messages (Widget.focus): the outputs read meanwhile may
        # replace the view, and a pane passes focus on to the new view only if the old one had it.
        self.set_focus(self.query_one("#pane-left", OutputPane).view)

    def on_unmount(self) -> None:
        self._collector.stop()

    # ---- text ------------------------------------------------------------------------------

    def _header(self) -> Text:
        run = self.run
        package, prompt = run.package, run.prompt
        lines = [
            f"run {run.run_id or '(live)'} · {run.status} · started "
            f"{run.started_at or '?'} · ended {run.ended_at or '–'} · cost " + self._cost(),
            f"package: {counted(package.files, 'file')}, {counted(package.bytes, 'byte')}, "
            f"{counted(package.lines, 'line')} · prompt: {_num(prompt.chars)} chars"
            + (" (saved)" if prompt.text is not None else " (not saved)")
            + (f" · {self.turns} turns (f/F follow up)" if self.turns > 1 else ""),
            f"folder: {self.folder}" if self.folder else "folder: none (kept in memory only)",
        ]
        return plain("\n".join(lines))

    def _cost(self) -> str:
        """The run's whole cost, then each turn's when it was followed up."""
        costs = self.turn_costs
        known = [c for c in costs if c is not None]
        total = money(round(sum(known), 6) if known else None)
        if len(costs) < 2:
            return total
        each = ", ".join(f"turn {n} {money(c)}" for n, c in enumerate(costs, 1))
        return f"{total} ({each})"

    def _row(self, r: ModelRecord) -> list[Text]:
        def seconds(value: float | None) -> str:
            return f"{value:.2f}s" if value is not None else "–"

        tps = r.tokens_per_s
        return [  # as SUMMARY_COLUMNS
            plain(r.alias or "?"),
            plain(r.status or "?"),
            plain(money(r.cost_usd)),
            plain(usage_vs_estimate(r)),
            plain(_num(r.usage_output) + _reasoning(r)),
            plain(r.finish_reason or "–"),
            plain(seconds(r.ttft_s)),
            plain(seconds(r.total_s)),
            plain(f"{tps:.1f}" if tps is not None else "–"),
            plain(_error_code(r)),
        ]

    def _errors(self) -> Text:
        lines = [f"{r.alias or '?'}: {error_text(r)}" for r in self.records if error_text(r)]
        return plain("\n".join(lines))

    def _status(self, alias: str) -> str:
        for record in self.records:
            if record.alias == alias:
                return record.status
        return ""

    # ---- loading ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="review-read", exit_on_error=False)
    def _read_outputs(self, folder: Path, records: list[ModelRecord]) -> None:
        from fiedler_tui.tui.follow_up_launcher import KnownTexts
        from fiedler_tui.tui.review_thread import thread_texts
        from fiedler_tui.tui.screens.compose import prompt_memory

        taken: set[str] = {"summary.json"}
        texts = {r.alias or "?": read_output(folder, r, taken) for r in records}
        known = KnownTexts(prompt_memory(self.app).get)
        texts, costs = thread_texts(folder, self.summary, texts, known, read_output)
        thinking = {r.alias or "?": read_thinking(folder, r) for r in records}
        self.post_message(self.OutputsLoaded(texts, len(costs), thinking, costs))

    @on(OutputsLoaded)
    async def _outputs_loaded(self, message: OutputsLoaded) -> None:
        self.texts.update(message.texts)
        self.thinking.update({a: t for a, t in message.thinking.items() if t})
        costs = message.costs if message.costs is not None else self.turn_costs
        if message.turns != self.turns or costs != self.turn_costs:
            self.turns, self.turn_costs = message.turns, costs
            self.query_one("#review-header", Static).update(self._header())
        await self._show_panes()
        if self.at_turn is not None:
            turn, self.at_turn = self.at_turn, None
            self.run_worker(self._place_at_turn(turn), group="review-turn", exit_on_error=False)

    async def _place_at_turn(self, turn: int) -> None:
        """Scroll each pane whose thread has follow-up turn ``turn`` to its heading (once the
        text is rendered whole; the other pane is not scrolled along)."""
        heading = f"Turn {turn} · follow-up"
        for pane in self._panes():
            view = pane.view
            await view.wait_rendered()
            row = next((i for i, t in enumerate(view.find_row_texts()) if heading in t), None)
            if row is None:
                continue
            self._syncing = True
            try:
                view.scroll_to(y=row, animate=False, force=True, immediate=True)
            finally:
                self._syncing = False

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """The one place this screen's worker errors become notifications."""
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            notify_error(self, event.worker.error, "Cannot read the outputs")

    # ---- panes -----------------------------------------------------------------------------

    def _panes(self) -> tuple[OutputPane, OutputPane]:
        return self.query_one("#pane-left", OutputPane), self.query_one("#pane-right", OutputPane)

    async def _show_panes(self, sides: tuple[int, ...] = (0, 1), keep_place: bool = False) -> None:
        """Show the chosen output in each of ``sides`` (0 left, 1 right), from the top or, with
        ``keep_place``, at the same fraction of the text as before."""
        panes = self._panes()
        panes[1].display = self.split
        if not self.aliases:
            await panes[0].show("no models", "", rendered=self.rendered)
            return
        for side in sides:
            if side and not self.split:
                self._right_stale = True
                continue
            alias = self.aliases[self.shown[side]]
            pending = self._load_from_disk and alias not in self.texts
            text = "(reading…)" if pending else self.texts.get(alias, "")
            at = _fraction(panes[side].view) if keep_place else 0.0
            label = self.pane_label(alias)  # a letter in blind mode
            if self.show_thinking:
                text = self.thinking.get(alias) or "(this model streamed no thinking)"
                label = f"{label} · thinking"
            await panes[side].show(
                alias,
                self.shown_text(text),
                self._status(alias),
                rendered=self.rendered,
                at=at,
                label=label,
            )
        for view in (panes[0].view, panes[1].view):
            if view not in self._synced_views:  # one watcher per view, however often shown
                self._synced_views.add(view)
                self.watch(view, "scroll_y", partial(self._sync_view, view), init=False)
        self.compare_shown()

    def _sync_view(self, source: Widget) -> None:
        """Scroll the other pane's current view to match ``source``."""
        left, right = (pane.view for pane in self._panes())
        if source is left:
            self._sync_from(left, right)
        elif source is right:
            self._sync_from(right, left)

    def _active(self) -> int:
        focused = self.focused
        right = self._panes()[1]
        return 1 if self.split and focused is not None and right in focused.ancestors else 0

    async def _step(self, delta: int) -> None:
        if not self.aliases:
            return
        side = self._active()
        self.shown[side] = self._next_index(side, self.shown[side], delta)
        await self._show_panes((side,))

    def _next_index(self, side: int, index: int, delta: int) -> int:
        """The output ``delta`` steps from ``index`` for ``side``, skipping the one the other
        pane shows while both are shown."""
        count = len(self.aliases)
        index = (index + delta) % count
        if self.split and count > 1 and index == self.shown[1 - side]:
            index = (index + (1 if delta >= 0 else -1)) % count
        return index

    def _sync_from(self, source: MarkdownView, target: MarkdownView) -> None:
        """Scroll ``target`` to the same fraction of its range as ``source`` (the two may hold
        different texts, rendered or raw, of different lengths)."""
        if not self.sync or not self.split or self._syncing:
            return
        self._syncing = True
        try:
            target.place(source.fraction)  # and again once whole, if still rendering
        finally:
            self._syncing = False

    # ---- actions ---------------------------------------------------------------------------

    async def action_next_output(self) -> None:
        await self._step(1)

    async def action_previous_output(self) -> None:
        await self._step(-1)

    async def action_toggle_split(self) -> None:
        self.split = not self.split
        left, right = self._panes()
        right.display = self.split
        if not self.split:
            left.view.focus()
            return
        if self.shown[1] == self.shown[0] and len(self.aliases) > 1:
            self.shown[1] = self._next_index(1, self.shown[1], 1)
            self._right_stale = True
        if self._right_stale:
            self._right_stale = False
            await self._show_panes((1,))

    async def action_toggle_thinking(self) -> None:
        """Each pane shows its model's thinking instead of its answer, or back."""
        self.show_thinking = not self.show_thinking
        await self._show_panes()

    async def action_toggle_markdown(self) -> None:
        self.rendered = not self.rendered
        await self._show_panes(keep_place=True)

    def action_find(self) -> None:
        """Open the find bar on the focused pane's output."""
        self.query_one(FindBar).open(self._panes()[self._active()].view)

    @on(FindableView.Found)
    def _found(self, message: FindableView.Found) -> None:
        bar = self.query_one(FindBar)
        if bar.target is message.view:
            bar.show_count()

    def action_toggle_sync(self) -> None:
        self.sync = not self.sync
        self.notify(f"scroll sync {'on' if self.sync else 'off'}")

    def action_copy_output(self) -> None:
        pane = self._panes()[self._active()]
        if pane.alias is None:
            return
        send_to_clipboard(self.app, pane.text, f"the output of {self.blind.label(pane.alias)}")

    def action_copy_folder(self) -> None:
        if self.folder is None:
            self.notify("this run was not saved to disk", severity="warning")
            return
        send_to_clipboard(self.app, str(self.folder), "the run folder's path", shown=True)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_follow_up(self, to_all: bool) -> None:
        """Ask the focused pane's model (or every model) a follow-up; the Run screen streams it
        and, back here, each model's thread shows the new turn."""
        from fiedler_tui.core.followup.layout import run_folder_of
        from fiedler_tui.core.followup.session import FollowUpSession
        from fiedler_tui.tui.screens.follow_up import FollowUpScreen

        if self.refuse_while_blind("a follow-up"):
            return
        folder = self.folder
        if folder is None:
            self.notify(
                "this run was not saved to disk (FIEDLER_NO_DISK=1): there is no conversation "
                "to continue",
                severity="warning",
            )
            return
        alias = self._panes()[self._active()].alias
        if not to_all and alias is None:
            return
        aliases = [] if to_all or alias is None else [alias]
        folder = run_folder_of(folder)  # reviewing a follow-up's turn: the run goes on
        run_id = folder.name if folder != self.folder else self.run.run_id or folder.name

        def started(session: FollowUpSession | None) -> None:
            if session is None:
                return
            from fiedler_tui.tui.screens.run import RunScreen

            self._reread_on_resume = True
            self.app.push_screen(RunScreen(session))

        self.app.push_screen(FollowUpScreen(folder, run_id, aliases), started)

    def on_screen_resume(self) -> None:
        """Back from a follow-up's Run screen: read the run again, its new turn included."""
        if self._reread_on_resume and self.folder is not None and self.app.screen is self:
            self._reread_on_resume = False
            self._load_from_disk = True
            self._read_outputs(self.folder, self.records)

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The screen's bindings, those of :attr:`NARROW_FOOTER_HIDES` not shown in the footer
        while the terminal is narrower than :attr:`FULL_FOOTER_COLUMNS`."""
        bindings = super().active_bindings
        if self.app.size.width >= self.FULL_FOOTER_COLUMNS:
            return bindings
        return hidden_from_footer(bindings, self.NARROW_FOOTER_HIDES)

    def on_resize(self) -> None:
        self.refresh_bindings()  # the footer follows the width (NARROW_FOOTER_HIDES)

    def action_export(self) -> None:
        """Ask md or html, then write the report into the run folder (in a thread)."""
        folder = self.folder
        if folder is None:
            self.notify(
                "this run was not saved to disk: there is nothing to export", severity="warning"
            )
            return

        def chosen(fmt: ExportFormat | None) -> None:
            if fmt is not None:
                self._export(folder, fmt)

        self.app.push_screen(ExportChoiceScreen(str(folder)), chosen)

    @work(thread=True, exclusive=True, group="review-export", exit_on_error=False)
    def _export(self, folder: Path, fmt: ExportFormat) -> None:
        info = RunStore(folder.parent).load(folder)  # the summary as saved last
        if info.problem:
            info = RunInfo(folder.name, folder, dict(self.summary))
        try:
            path = export_run(info, fmt)
        except (FiedlerError, OSError) as exc:
            self.app.call_from_thread(notify_error, self, exc, "Cannot export the run")
            return
        self.app.call_from_thread(
            self.notify, f"report written: {path}", title="Export", timeout=10
        )

    def palette_commands(self) -> list[PaletteCommand]:
        def show(alias: str, side: int) -> PaletteCommand:
            where = "right" if side else "left"
            return PaletteCommand(
                f"Review: show {escape(self.blind.label(alias))} on the {where}",
                "Choose the output a pane shows",
                lambda: self.show_output(alias, side),
            )

        commands = [show(a, 0) for a in self.aliases]
        if len(self.aliases) > 1:
            commands += [show(a, 1) for a in self.aliases]
        return commands

    async def show_output(self, alias: str, side: int = 0) -> None:
        """Show ``alias`` in the left (0) or right (1) pane; side by side, the other pane takes
        this one's output if it was showing ``alias`` (never the same output twice)."""
        index = self.aliases.index(alias)
        if side:
            self.split = True
        sides: tuple[int, ...] = (side,)
        other = 1 - side
        if self.split and len(self.aliases) > 1 and self.shown[other] == index:
            self.shown[other] = self.shown[side]
            if self.shown[other] == index:  # both showed it (one pane before the split)
                self.shown[other] = self._next_index(other, index, 1)
            sides = (0, 1)
        self.shown[side] = index
        await self._show_panes(sides)
