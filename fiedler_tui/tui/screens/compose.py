"""Compose (the start screen): pick files and models, write the prompt, watch the live budget.

Every change (a file or model toggled, the secret policy, the prompt after a short pause) starts
a dry run in an exclusive thread worker; a newer change supersedes an older preview. The send key
only ever sends a preview made for exactly the current selection, prompt and policy, and only
when the dry run found nothing blocking it: the same judgement as ``fiedler dry-run`` and
``fiedler send`` (``core.budget.blockers``), keys included. Keys are looked up in the preview's
thread (the OS keyring may block) once, and again whenever this screen comes back (f2 may have
added one).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, cast

from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.lazy import Lazy
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer, Select, SelectionList, Static, TextArea
from textual.widgets.selection_list import Selection
from textual.worker import Worker, WorkerState, get_current_worker

from fiedler_tui.core.files.names import display_name
from fiedler_tui.core.files.roots import AllowedRoots
from fiedler_tui.core.plural import counted
from fiedler_tui.core.secrets.policy import SecretPolicy
from fiedler_tui.tui.compose_count_api import (
    OFF_TEXT,
    ON_TEXT,
    apply_choice,
    close_counter,
    make_counter,
)
from fiedler_tui.tui.compose_history import PromptRecall
from fiedler_tui.tui.compose_history import record as record_prompt
from fiedler_tui.tui.footer_hiding import hidden_from_footer
from fiedler_tui.tui.policy_words import CHOOSE_POLICY, POLICY_LABELS
from fiedler_tui.tui.safe_text import plain
from fiedler_tui.tui.widgets.budget_table import (
    BudgetTable,
    findings_text,
    notices_text,
    package_line,
    skipped_text,
)
from fiedler_tui.tui.widgets.crosstalk_mode import CrosstalkSettings, DeliberationBudgetView
from fiedler_tui.tui.widgets.errors import notify_error
from fiedler_tui.tui.widgets.file_picker import FilePicker
from fiedler_tui.tui.widgets.model_list import ModelList
from fiedler_tui.tui.widgets.palette import PaletteCommand, ScreenCommands

if TYPE_CHECKING:
    # The dry-run engine loads in the first preview's worker, after the screen is shown.
    from fiedler_tui.core.budget import Blocker, DryRunEngine, DryRunResult
    from fiedler_tui.core.config.schema import Config, ModelSpec
    from fiedler_tui.core.ratelimits import TokenLimit
    from fiedler_tui.tui.app import FiedlerApp

DEBOUNCE_S = 0.15
SHORT_ROWS = 34
"""Below this many rows Compose is laid out for a short terminal (80x24 keeps 6 tree rows)."""
PROMPT_MEMORY_SIZE = 50
MAX_REVEALED = 50
"""Files of a loaded selection whose folders are opened in the tree."""


class PolicySelect(Select[SecretPolicy]):
    """What to do with likely secrets; shows the screen's policy when it mounts."""

    def __init__(self, *, id: str) -> None:
        options = [(label, policy) for policy, label in POLICY_LABELS.items()]
        super().__init__(options, value=SecretPolicy.REFUSE, allow_blank=False, id=id)

    def on_mount(self) -> None:
        policy = getattr(self.screen, "policy", None)
        if isinstance(policy, SecretPolicy):
            self.value = policy


class PromptMemory:
    """Prompts sent in this app session, by sha256 (a run's summary may keep only the digest)."""

    def __init__(self, size: int = PROMPT_MEMORY_SIZE) -> None:
        self._size = size
        self._texts: OrderedDict[str, str] = OrderedDict()

    def remember(self, prompt: str) -> str:
        from fiedler_tui.core.store.summary import sha256_text  # not needed for the first frame

        digest = sha256_text(prompt)
        self._texts[digest] = prompt
        self._texts.move_to_end(digest)
        while len(self._texts) > self._size:
            self._texts.popitem(last=False)
        return digest

    def get(self, digest: str) -> str | None:
        return self._texts.get(digest)


def prompt_memory(app: App[Any]) -> PromptMemory:
    """The app's prompt memory (created on first use as ``app.prompt_memory``)."""
    memory = getattr(app, "prompt_memory", None)
    if not isinstance(memory, PromptMemory):
        memory = PromptMemory()
        app.prompt_memory = memory  # type: ignore[attr-defined]
    return memory


class RunStarter(Protocol):
    """What the app provides to send a previewed package."""

    def start_run(self, result: DryRunResult, aliases: Sequence[str]) -> None: ...


REDUCE_ON = (
    "egress: a model the rules forbid files gets a reduced package without them (f7: refuse)"
)
REDUCE_OFF = "egress: a model the rules forbid files is refused (f7: send it a reduced package)"


@dataclass(frozen=True)
class PreviewKey:
    """Everything a preview depends on; a preview is only sent for the key it was made for."""

    paths: tuple[str, ...]
    aliases: tuple[str, ...]
    prompt: str
    policy: SecretPolicy
    via_folder: tuple[str, ...] = ()
    """The paths a folder selection brought in (skipped with a reason, never blocking)."""
    count_api: bool = False
    """Hosted providers' count endpoints are asked (f6)."""
    egress_reduce: bool = False
    """f7: a model the egress rules forbid files gets a package without them (not refused)."""
    reasoning_effort: str | None = None
    """ctrl+r: the reasoning effort for the models that take one (None: each model's own)."""
    thinking_budget: int | None = None
    """ctrl+o: the thinking budget for the models that take one (None: each model's own)."""


class ComposeScreen(Screen[None]):
    """Files, prompt and models in; live per-model budget, secrets, skips and blockers out."""

    PALETTE_PREFIX = "Compose"
    COMMANDS = {ScreenCommands}
    AUTO_FOCUS = "#prompt"
    """Typing at once writes the prompt; the tree's cursor shows unfocused (tab reaches it)."""
    NARROW_FOOTER_HIDES: ClassVar[frozenset[str]] = frozenset(
        {"files-toggle", "files-select-folder"}
    )
    """The tree's keys, left out of the footer below the app's NARROW_COLUMNS (its border names
    them, Help lists them), so f1 Help and f2 Keys stay in view while the tree has the focus."""
    BINDINGS = [
        Binding("ctrl+s", "send", "Send", id="send", tooltip="Send the previewed package"),
        Binding("f3", "history", "History", id="compose-history", tooltip="Past runs"),
        Binding(
            "f4",
            "cycle_policy",
            "Secrets policy",
            id="compose-secret-policy",
            tooltip="Refuse, mask, exclude or send files with likely secrets",
        ),
        Binding("f5", "refresh", "Refresh", id="compose-refresh", tooltip="Preview again"),
        Binding(
            "f6",
            "toggle_count_api",
            "Count by API",
            id="compose-count-api",
            show=False,
            tooltip="Ask hosted providers' count endpoints for exact counts (sends them the "
            "package before you send)",
        ),
        Binding(
            "f7",
            "toggle_egress_reduce",
            "Egress: reduce",
            id="compose-egress",
            show=False,
            tooltip="A model the egress rules forbid files of the package: refuse to send, or "
            "send it a reduced package without them",
        ),
        Binding(
            "f8",
            "cycle_mode",
            "Mode",
            show=False,  # named in the budget's border: the footer keeps esc and f1 at 80x24
            id="compose-mode",
            tooltip="Fan-out (every model answers alone) or crosstalk (the models deliberate)",
        ),
        Binding(
            "f9",
            "crosstalk_options",
            "Crosstalk options",
            show=False,  # named in the deliberation budget's border while in crosstalk mode
            id="compose-crosstalk-options",
            tooltip="Paradigm, rounds, chair and personas of the deliberation",
        ),
        Binding(
            "ctrl+g",
            "model_sets",
            "Model sets",
            show=False,
            id="compose-model-set",
            tooltip="Choose a saved set of models, or save the selected ones as a set (-m @NAME)",
        ),
        Binding(
            "ctrl+e",
            "edit_prompt",
            "Edit in $EDITOR",
            show=False,
            priority=True,  # the prompt's own ctrl+e (line end) gives way; end does that too
            id="compose-editor",
            tooltip="Open the prompt in $VISUAL or $EDITOR and take the result back",
        ),
        Binding(
            "ctrl+up",
            "recall(1)",
            "Older prompt",
            show=False,
            id="compose-history-previous",
            tooltip="The prompt sent before the one shown (only with save_prompt on)",
        ),
        Binding(
            "ctrl+down",
            "recall(-1)",
            "Newer prompt",
            show=False,
            id="compose-history-next",
            tooltip="The prompt sent after the one shown, then the one being written",
        ),
        Binding(
            "ctrl+r",
            "cycle_effort",
            "Reasoning effort",
            show=False,
            id="compose-reasoning-effort",
            tooltip="Each model's own, minimal, low, medium or high, for the models that take one",
        ),
        Binding(
            "ctrl+o",
            "cycle_thinking",
            "Thinking budget",
            show=False,
            id="compose-thinking-budget",
            tooltip="Each model's own, off, or 1,024 to 32,768 thinking tokens, for the models "
            "that take a budget",
        ),
        Binding(
            "ctrl+t",
            "templates",
            "Templates",
            show=False,
            id="compose-template",
            tooltip="Insert a prompt template, its placeholders filled with the files and models",
        ),
    ]

    class PreviewReady(Message):
        """A dry run finished for ``key``."""

        def __init__(self, key: PreviewKey, result: DryRunResult, elapsed_s: float) -> None:
            super().__init__()
            self.key = key
            self.result = result
            self.elapsed_s = elapsed_s

    class SendRefused(Message):
        """The send key was pressed but sending is not allowed, for these reasons."""

        def __init__(self, reasons: tuple[str, ...]) -> None:
            super().__init__()
            self.reasons = reasons

    class SendStarted(Message):
        """A run was handed to the app."""

        def __init__(self, result: DryRunResult, aliases: tuple[str, ...]) -> None:
            super().__init__()
            self.result = result
            self.aliases = aliases

    def __init__(
        self,
        paths: Sequence[str] = (),
        prompt: str = "",
        models: Sequence[str] | None = None,
        note: str = "",
        expected_prompt_sha256: str | None = None,
        files_lost: str = "",
    ) -> None:
        """``paths`` preselected, ``prompt`` prefilled, ``models`` chosen (default: defaults);
        ``note`` is shown above the prompt (e.g. why it must be typed again), with whether the
        prompt typed matches ``expected_prompt_sha256`` (a re-run whose prompt was not saved).
        ``files_lost`` says that a re-run's files could not be loaded: it is shown among the
        reasons not to send until a file is chosen."""
        super().__init__()
        self._files_lost = files_lost
        self._initial_paths = tuple(paths)
        self._initial_prompt = prompt
        self._initial_models = None if models is None else tuple(models)
        self._note = note
        self._expected_sha = expected_prompt_sha256
        self.policy = SecretPolicy.REFUSE
        self.paths: tuple[str, ...] = ()
        self.result: DryRunResult | None = None
        self.result_key: PreviewKey | None = None
        self._elapsed_s: float | None = None
        self._engine: DryRunEngine | None = None
        self._engine_closed = False
        self._engine_lock = threading.Lock()
        self._debounce: Timer | None = None
        self._send_pending: PreviewKey | None = None
        """The state the send key was pressed in, while its preview is still being made."""
        self._requested: PreviewKey | None = None
        self._models_listed = False
        self._key_status: dict[str, str] | None = None
        """Provider -> where its key comes from, as last looked up (None: look up again)."""
        self._rate_limits: dict[str, tuple[TokenLimit, ...]] = {}
        self.count_api = False
        """f6: hosted providers' count endpoints are asked in previews."""
        self.egress_reduce = False
        self.reasoning_effort: str | None = None
        self.thinking_budget: int | None = None
        """f7: models the egress rules forbid files get a reduced package instead of a refusal."""
        self._key_values: dict[str, str | None] = {}
        self.crosstalk = CrosstalkSettings()
        """Fan-out or crosstalk (f8), and the deliberation's choices (f9)."""
        """Provider -> its tokens-per-minute limits for the key in use, looked up with the keys."""
        self.prompt_recall = PromptRecall()
        """Where ctrl+up/ctrl+down are in the prompt history."""

    # ---- layout ------------------------------------------------------------------------------

    @property
    def host(self) -> FiedlerApp:
        return cast("FiedlerApp", self.app)

    def compose(self) -> ComposeResult:
        roots = AllowedRoots.from_settings(self.host.settings)
        self._models_listed = self.host.config_ready
        with Horizontal(id="compose-main"):
            with Vertical(id="compose-left"):
                yield FilePicker(roots, self._initial_paths, id="files")
                yield ModelList(
                    *(self._model_options(self.host.config) if self._models_listed else ()),
                    id="models",
                )
            with Vertical(id="compose-right"):
                yield Static(id="compose-note")
                yield TextArea(self._initial_prompt, id="prompt", soft_wrap=True)
                with Horizontal(id="policy-row"):
                    yield Static("Secrets (f4):", id="policy-label")
                    # A Select costs ~18 ms to mount: it comes just after the first frame, in a
                    # row of fixed height (nothing moves). f4 works meanwhile.
                    yield Lazy(PolicySelect(id="secret-policy"))
                with VerticalScroll(id="compose-details"):
                    yield Static(id="blockers")
                    yield Static(id="findings")
                    yield Static(id="skipped")
                    yield Static(id="notices")
        yield BudgetTable(id="budget")
        yield DeliberationBudgetView(id="delib-budget")
        yield Static(id="package")
        yield Footer()

    def _model_options(self, config: Config) -> list[Selection[str]]:
        chosen = (
            {m.name for m in config.default_models()}
            if self._initial_models is None
            else {config.resolve(a).name for a in self._initial_models if _known(config, a)}
        )
        return [
            Selection(plain(_model_label(m)), m.name, m.name in chosen)
            for m in config.models.values()
        ]

    @property
    def focus_chain(self) -> list[Widget]:
        """``tab`` order: the prompt (where typing starts), then the files, the models and the
        rest, instead of the layout's order (files and models, left, before the prompt)."""
        chain = super().focus_chain
        return [w for w in chain if w.id == "prompt"] + [w for w in chain if w.id != "prompt"]

    def on_mount(self) -> None:
        self.query_one("#files").border_title = "Files  (space select · a whole folder)"
        self.query_one("#models").border_title = "Models  (space select)"
        self._count_models()
        self.query_one("#prompt").border_title = "Prompt"
        self.query_one("#budget").border_title = "Budget  (f8 crosstalk)"
        self._show_note()
        picker = self.query_one(FilePicker)
        self.paths = tuple(sorted(picker.selected))
        picker.border_subtitle = f"{len(self.paths)} selected" if self.paths else ""
        self.app.theme_changed_signal.subscribe(self, self._recolour)
        if self._models_listed:
            self.preview_now()
        else:
            self.query_one("#models").border_subtitle = "loading…"
            self._show_blockers()
            self._models_when_ready()

    @work(group="config", exit_on_error=False)
    async def _models_when_ready(self) -> None:
        """The models arrive once models.yaml is checked (or the demo's simulator runs): list
        them, then preview."""
        config = await self.host.wait_for_config()
        models = self.query_one("#models", SelectionList)
        if config is None:
            models.border_subtitle = "demo not started" if self.host.demo else "none: see below"
            self._show_blockers()
            return
        models.add_options(self._model_options(config))
        self._models_listed = True
        self._count_models()
        self.preview_now()

    def on_resize(self, event: events.Resize) -> None:
        """On a short terminal the models and the budget give rows to the tree (screens.tcss)."""
        self.set_class(event.size.height < SHORT_ROWS, "-short")
        self.refresh_bindings()  # the footer follows the width (NARROW_FOOTER_HIDES)

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The screen's bindings, those of :attr:`NARROW_FOOTER_HIDES` not shown in the footer
        while the terminal is narrow."""
        from fiedler_tui.tui.app import NARROW_COLUMNS

        bindings = super().active_bindings
        if self.app.size.width >= NARROW_COLUMNS:
            return bindings
        return hidden_from_footer(bindings, self.NARROW_FOOTER_HIDES)

    def _recolour(self, _theme: object) -> None:
        """Status colours in the budget come from the theme: draw them again."""
        if self.result is not None:
            self.query_one(BudgetTable).show(self.result.models, self.app.get_css_variables())

    def on_unmount(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        # A preview may still run: close the engine once it let go of it, off the event loop.
        threading.Thread(target=self._close_engine, daemon=True).start()

    def on_screen_resume(self, _event: events.ScreenResume) -> None:
        """Back from another screen (Keys may have added or deleted a key): look keys up again."""
        if self._key_status is not None:
            self._key_status = None
            self.action_refresh()

    def _close_engine(self) -> None:
        with self._engine_lock:
            engine, self._engine = self._engine, None
            self._engine_closed = True
            if engine is not None:
                engine.close()
                close_counter(engine)

    # ---- state -------------------------------------------------------------------------------

    @property
    def prompt(self) -> str:
        return self.query_one("#prompt", TextArea).text

    @property
    def aliases(self) -> tuple[str, ...]:
        if not self._models_listed:
            return ()
        chosen = set(self.query_one("#models", SelectionList).selected)
        names = tuple(name for name in self.host.config.models if name in chosen)
        return self.crosstalk.with_chair(names)  # crosstalk: a chair not selected is judged too

    def current_key(self) -> PreviewKey:
        # The picker's own selection, not the last SelectionChanged seen: a toggle whose message
        # is still queued must already make the shown preview stale (and unsendable).
        picker = self.query_one(FilePicker)
        paths = tuple(sorted(picker.selected))
        via_folder = tuple(sorted(picker.via_folder & picker.selected))
        return PreviewKey(
            paths,
            self.aliases,
            self.prompt,
            self.policy,
            via_folder,
            self.count_api,
            self.egress_reduce,
            self.reasoning_effort,
            self.thinking_budget,
        )

    @property
    def fresh(self) -> bool:
        """Whether the shown preview matches the current selection, prompt and policy."""
        return self.result is not None and self.result_key == self.current_key()

    # ---- previews ----------------------------------------------------------------------------

    @on(FilePicker.SelectionChanged)
    def _files_changed(self, event: FilePicker.SelectionChanged) -> None:
        self.paths = event.paths
        event.picker.border_subtitle = f"{len(self.paths)} selected" if self.paths else ""
        self.preview_now()

    @on(SelectionList.SelectedChanged, "#models")
    def _models_changed(self) -> None:
        self._count_models()
        self.preview_now()

    def _count_models(self) -> None:
        """'N selected' on the Models border, once they are listed."""
        if self._models_listed:
            models = self.query_one("#models", SelectionList)
            models.border_subtitle = f"{len(models.selected)} selected"

    @on(Select.Changed, "#secret-policy")
    def _policy_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, SecretPolicy) and event.value is not self.policy:
            self.policy = event.value
            self.preview_now()

    @on(TextArea.Changed, "#prompt")
    def _prompt_changed(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(DEBOUNCE_S, self.preview_now)
        self._show_blockers()
        if self._expected_sha:
            self._show_note()

    def _show_note(self) -> None:
        lines = [self._note] if self._note else []
        prompt = self.prompt
        if self._expected_sha and prompt:
            from fiedler_tui.core.store.summary import sha256_text

            if sha256_text(prompt) == self._expected_sha:
                lines.append("✓ the prompt matches the original run's prompt")
            else:
                lines.append("the prompt differs from the original run's prompt")
        widget = self.query_one("#compose-note", Static)
        widget.update(plain("\n".join(lines)))
        widget.display = bool(lines)

    def preview_now(self) -> None:
        """Start a dry run for the current state (superseding any running one)."""
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        key = self.current_key()
        if key == self._requested and self.result_key != key:
            return  # that very preview is already running
        self._requested = key
        if self.result_key == key or not self._models_listed:
            self._show_blockers()
            return
        config = self.host.config
        models = [config.models[a] for a in key.aliases]
        self._show_blockers()
        self._preview(key, models)

    @work(thread=True, exclusive=True, group="dry-run", exit_on_error=False)
    def _preview(self, key: PreviewKey, models: list[ModelSpec]) -> None:
        from fiedler_tui.core.budget.dry_run import DryRunEngine, DryRunOptions
        from fiedler_tui.core.config.reasoning import reasoning_choice
        from fiedler_tui.core.egress.guard import policy_of
        from fiedler_tui.core.ratelimits import LearnedLimitsStore, token_limits

        worker = get_current_worker()
        key_status = self._key_status
        if key_status is None:
            resolved = self.host.keystore.resolve_all(self.host.config)
            key_status = {name: str(found.source) for name, found in resolved.items()}
            self._rate_limits = token_limits(
                self.host.config,
                {name: found.value for name, found in resolved.items()},
                LearnedLimitsStore.default(no_disk=self.host.settings.no_disk),
            )
            self._key_values = {name: found.value for name, found in resolved.items()}
            self._key_status = key_status
        options = DryRunOptions(
            prompt=key.prompt,
            secret_policy=key.policy,
            key_status=key_status,
            rate_limits=self._rate_limits,
            from_folders=frozenset(key.via_folder),
            egress=policy_of(self.host.config, self.host.settings),
            egress_reduce=frozenset(m.name for m in models) if key.egress_reduce else frozenset(),
            reasoning=reasoning_choice(key.reasoning_effort, key.thinking_budget),
        )
        with self._engine_lock:
            if self._engine is None and not self._engine_closed:
                counter = make_counter(self.host.config, self._key_values)
                self._engine = DryRunEngine(self.host.settings, api_counter=counter)
            engine = self._engine
            if worker.is_cancelled or engine is None:
                return
            apply_choice(engine, key.count_api, self._key_values)
            started = time.perf_counter()
            result = engine.run(key.paths, models, options)
            elapsed = time.perf_counter() - started
        if not worker.is_cancelled:
            self.post_message(self.PreviewReady(key, result, elapsed))

    @on(PreviewReady)
    def _preview_ready(self, message: PreviewReady) -> None:
        if message.key != self.current_key():
            return  # superseded: a newer preview is on its way
        self.result = message.result
        self.result_key = message.key
        self._elapsed_s = message.elapsed_s
        self._show_result(message.result)
        pending, self._send_pending = self._send_pending, None
        if pending == message.key:
            self.action_send()
        elif pending is not None:
            self.notify(
                "the files, models, prompt or policy changed while the preview was being made: "
                "press ctrl+s again to send",
                title="Not sent",
                severity="warning",
                markup=False,
            )

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """The one place this screen's worker errors become notifications."""
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self._send_pending = None
            self._requested = None
            doing = "Preview failed" if event.worker.group == "dry-run" else "Failed"
            notify_error(self, event.worker.error, doing)

    def _show_result(self, result: DryRunResult) -> None:
        self.query_one(BudgetTable).show(result.models, self.app.get_css_variables())
        self._show_package(result)
        self.query_one("#findings", Static).update(findings_text(result))
        self.query_one("#skipped", Static).update(skipped_text(result))
        self.query_one("#notices", Static).update(notices_text(result))
        self.query_one("#policy-row").set_class(bool(result.findings), "-findings")
        picker = self.query_one(FilePicker)
        by_path = picker.package_paths()
        reasons = {
            by_path[s.path]: s.reason
            for s in result.skipped
            if s.path in by_path and by_path[s.path] in picker.selected
        }
        picker.set_skip_reasons(reasons)
        self._show_blockers()
        self._judge_deliberation()

    def send_problems(self) -> list[str]:
        """Why the current state cannot be sent (empty when it can): the dry run's blockers
        once its preview is fresh."""
        problems: list[str] = []
        if not self._models_listed:
            problems.append(self.host.no_config_reason)
        if self.fresh and self.result is not None:
            over_budget = False
            for blocker in self.result.blockers:
                if blocker.kind == "over-budget":  # one line for them all, said once
                    if not over_budget:
                        problems.append(over_budget_text(self.result))
                    over_budget = True
                else:
                    problems.append(self._blocker_text(blocker))
            problems.extend(self._files_lost_problem())
            problems.extend(self._deliberation_problems())
            return problems
        # Until the preview lands: the two checks that need no dry run, worded as the dry run
        # words them (its module is not imported before the first frame).
        if self._models_listed and not self.aliases:
            problems.append("no model selected")
        if not self.prompt.strip():
            problems.append("the prompt is empty")
        problems.extend(self._files_lost_problem())
        return problems

    def _files_lost_problem(self) -> list[str]:
        if not self._files_lost or self.current_key().paths:
            return []
        return [f"{self._files_lost}: select the files to send"]

    def _blocker_text(self, blocker: Blocker) -> str:
        """A blocker as the app says it: app keys, never command-line flags; a missing key says
        how to add one here."""
        if blocker.kind == "secrets":
            found, _, _flags = blocker.message.rpartition("; ")
            return f"{found or blocker.message}; {CHOOSE_POLICY}"
        if blocker.kind != "missing-key" or blocker.provider is None:
            return blocker.message
        fix = "press f2 to add it"
        provider = self.host.config.providers.get(blocker.provider)
        if (
            provider is not None
            and provider.key_env
            and not self.host.settings.require_secure_keyring
        ):
            fix += f" (or set {' or '.join(provider.key_env)} before starting fiedler)"
        return f"{blocker.message}: {fix}"

    def _show_blockers(self) -> None:
        blockers = self.query_one("#blockers", Static)
        problems = self.send_problems()
        if problems:
            blockers.update(plain("cannot send:\n" + "\n".join(f"• {p}" for p in problems)))
        elif not self.fresh:
            blockers.update(plain("updating the preview…"))
        else:
            blockers.update(plain(self._ready_text()))
        blockers.set_class(bool(problems), "-blocked")
        blockers.set_class(not problems and self.fresh, "-ready")

    # ---- actions -----------------------------------------------------------------------------

    def action_send(self) -> None:
        if not self.fresh:
            self._send_pending = self.current_key()  # send (or refuse) once its preview lands
            self.preview_now()
            return
        problems = self.send_problems()
        if problems:
            self._show_blockers()
            self.notify("\n".join(problems), title="Cannot send", severity="error", markup=False)
            self.post_message(self.SendRefused(tuple(problems)))
            return
        result = self.result
        assert result is not None
        starter = getattr(self.app, "start_run", None)
        if starter is None:
            self.notify("this build cannot send yet", severity="error", markup=False)
            return
        prompt_memory(self.app).remember(result.prompt)
        record_prompt(self, result.prompt)  # kept for recall only with save_prompt on
        if self.crosstalk.crosstalk:
            from fiedler_tui.tui.compose_crosstalk import start_deliberation

            start_deliberation(self, result)
            return
        aliases = self.aliases
        self.post_message(self.SendStarted(result, aliases))
        cast(RunStarter, self.app).start_run(result, aliases)

    def action_history(self) -> None:
        from fiedler_tui.tui.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen())

    def action_cycle_policy(self) -> None:
        order = list(POLICY_LABELS)
        self.set_policy(order[(order.index(self.policy) + 1) % len(order)])

    def set_policy(self, policy: SecretPolicy) -> None:
        for select in self.query("#secret-policy").results(Select):
            select.value = policy
        if policy is not self.policy:
            self.policy = policy
            self.preview_now()
        self.notify(f"likely secrets: {POLICY_LABELS[policy]}", markup=False)

    def action_cycle_mode(self) -> None:
        from fiedler_tui.tui.compose_crosstalk import cycle_mode

        cycle_mode(self)

    def action_model_sets(self) -> None:
        from fiedler_tui.tui.compose_model_sets import open_model_sets

        open_model_sets(self)

    def action_recall(self, step: int) -> None:
        from fiedler_tui.tui.compose_history import recall

        recall(self, step)

    def _pick_earlier_prompt(self) -> None:
        from fiedler_tui.tui.compose_history import pick

        pick(self)

    def action_edit_prompt(self) -> None:
        from fiedler_tui.tui.compose_editor import edit_prompt

        edit_prompt(self)

    def action_templates(self) -> None:
        from fiedler_tui.tui.compose_templates import open_templates

        open_templates(self)

    def action_crosstalk_options(self) -> None:
        from fiedler_tui.tui.compose_crosstalk import open_options

        open_options(self)

    def _judge_deliberation(self) -> None:
        if self.crosstalk.crosstalk and self.fresh:
            from fiedler_tui.tui.compose_crosstalk import judge

            judge(self)

    def deliberation_judged(self) -> None:
        """The deliberation's budget came back (or the mode changed): the reasons not to send
        and the worst case on the package line may have changed."""
        if self.result is not None:
            self._show_package(self.result)
        self._show_blockers()

    def _show_package(self, result: DryRunResult) -> None:
        """The package line: the fan-out's worst case, or in crosstalk mode the deliberation's."""
        from fiedler_tui.tui.compose_crosstalk import package_cost

        line = package_line(result, self._elapsed_s, deliberation=package_cost(self))
        self.query_one("#package", Static).update(line)

    def _ready_text(self) -> str:
        if self.crosstalk.crosstalk:
            return f"ready to deliberate ({self.crosstalk.describe()}): ctrl+s"
        return f"ready to send to {counted(len(self.aliases), 'model')}: ctrl+s"

    def _deliberation_problems(self) -> list[str]:
        if not self.crosstalk.crosstalk:
            return []
        from fiedler_tui.tui.compose_crosstalk import problems

        return problems(self)

    def action_toggle_count_api(self) -> None:
        self.count_api = not self.count_api
        self.notify(ON_TEXT if self.count_api else OFF_TEXT, markup=False)
        self.preview_now()

    def action_cycle_effort(self) -> None:
        from fiedler_tui.tui.compose_reasoning import EFFORT_STEPS, effort_text, next_step

        self.reasoning_effort = next_step(EFFORT_STEPS, self.reasoning_effort)
        self.notify(effort_text(self.reasoning_effort), markup=False)
        self.preview_now()

    def action_cycle_thinking(self) -> None:
        from fiedler_tui.tui.compose_reasoning import BUDGET_STEPS, budget_text, next_step

        self.thinking_budget = next_step(BUDGET_STEPS, self.thinking_budget)
        self.notify(budget_text(self.thinking_budget), markup=False)
        self.preview_now()

    def action_toggle_egress_reduce(self) -> None:
        self.egress_reduce = not self.egress_reduce
        self.notify(REDUCE_ON if self.egress_reduce else REDUCE_OFF, markup=False)
        self.preview_now()

    def action_refresh(self) -> None:
        self.result_key = None
        self._requested = None
        self.preview_now()

    def load(
        self,
        paths: Sequence[str],
        prompt: str | None,
        note: str = "",
        expected_prompt_sha256: str | None = None,
        models: Sequence[str] | None = None,
        files_lost: str = "",
    ) -> None:
        """Replace the selection and (when given) the prompt and the models chosen (those
        models.yaml no longer has are left out), e.g. to re-run a past run."""
        self._note = note
        self._expected_sha = expected_prompt_sha256
        self._files_lost = files_lost
        if prompt is not None:
            self.query_one("#prompt", TextArea).text = prompt
        if models is not None:
            self._initial_models = tuple(models)
            if self._models_listed:
                self._choose_models(self._initial_models)
        self._show_note()
        self.query_one(FilePicker).set_selected(paths)
        self._reveal(paths[:MAX_REVEALED])

    def _choose_models(self, aliases: Sequence[str]) -> None:
        config = self.host.config
        wanted = {config.resolve(a).name for a in aliases if _known(config, a)}
        models = self.query_one("#models", SelectionList)
        models.deselect_all()
        for name in wanted:
            models.select(name)

    @work(exclusive=True, group="reveal", exit_on_error=False)
    async def _reveal(self, paths: Sequence[str]) -> None:
        """Open the tree down to each of ``paths`` (listing folders as needed)."""
        picker = self.query_one(FilePicker)
        for path in paths:
            await picker.reveal(path)

    def palette_commands(self) -> list[PaletteCommand]:
        def policy_command(policy: SecretPolicy) -> PaletteCommand:
            return PaletteCommand(
                f"Compose: likely secrets: {POLICY_LABELS[policy]}",
                "What to do with files holding likely secrets",
                lambda: self.set_policy(policy),
            )

        return [
            *(policy_command(p) for p in POLICY_LABELS),
            PaletteCommand("Compose: focus files", "Move to the file tree", self._focus("#files")),
            PaletteCommand("Compose: focus prompt", "Move to the prompt", self._focus("#prompt")),
            PaletteCommand("Compose: focus models", "Move to the models", self._focus("#models")),
            PaletteCommand("Compose: clear file selection", "Select no files", self._clear_files),
            PaletteCommand(
                "Compose: edit the prompt in $EDITOR",
                "Open the prompt in $VISUAL or $EDITOR (ctrl+e)",
                self.action_edit_prompt,
            ),
            PaletteCommand(
                "Compose: earlier prompts",
                "Choose a prompt sent before (only with save_prompt on; ctrl+up/down step)",
                self._pick_earlier_prompt,
            ),
            PaletteCommand(
                "Compose: prompt templates",
                "Insert a prompt template, its placeholders filled (ctrl+t)",
                self.action_templates,
            ),
            PaletteCommand(
                "Compose: model sets",
                "Choose a saved set of models, or save the selected ones (ctrl+g)",
                self.action_model_sets,
            ),
        ]

    def _focus(self, selector: str) -> Callable[[], object]:
        return lambda: self.query_one(selector).focus()

    def _clear_files(self) -> None:
        self.query_one(FilePicker).set_selected(())


def over_budget_text(result: DryRunResult) -> str:
    """Every model over its budget in one line, then the largest files once (the dry run says
    it per model, each with the same files)."""
    over = [m for m in result.models if not m.fits]
    models = ", ".join(
        f"{m.alias} ({m.input_tokens:,} input + {m.completion_reserve:,} reserved > "
        f"{m.context_window:,} window: remove {counted(m.tokens_to_remove, 'token')})"
        for m in over
    )
    largest = next((m.largest_files for m in over if m.largest_files), ())
    files = ", ".join(f"{display_name(f.path)} ({f.tokens:,})" for f in largest)
    return f"over budget: {models}; largest files: {files or 'none'}"


def _known(config: Config, alias: str) -> bool:
    try:
        config.resolve(alias)
    except KeyError:
        return False
    return True


def _model_label(model: ModelSpec) -> str:
    return f"{model.name}  ({model.provider}, {model.context_window:,} window)"
