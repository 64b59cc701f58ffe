"""Asks a follow-up of one model of a run, or of all: the question, then the cost, then send.

``enter`` previews: each model's whole conversation (the package, the run's prompt, its own
answers, the new question) counted against its window and priced, with every reason not to
send; ``enter`` again, the preview unchanged and nothing blocking, sends. When the run's prompt
was not saved (and this app session did not send it), a second field asks for it, checked
against its sha256. ``ctrl+r``/``ctrl+o`` override the reasoning effort and thinking budget
(by default each model is sent what its turn 1 was). Dismissed with the ready
:class:`FollowUpSession`, or None on ``esc``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static
from textual.worker import Worker, WorkerState

from fiedler_tui.core.config.reasoning import ReasoningChoice, reasoning_choice
from fiedler_tui.core.followup.session import FollowUpSession
from fiedler_tui.tui.compose_reasoning import (
    BUDGET_STEPS,
    EFFORT_STEPS,
    budget_text,
    effort_text,
    next_step,
)
from fiedler_tui.tui.follow_up_launcher import (
    FollowUpPreview,
    KnownTexts,
    launch_follow_up,
    preview_follow_up,
)
from fiedler_tui.tui.safe_text import plain
from fiedler_tui.tui.screens.compose import prompt_memory
from fiedler_tui.tui.widgets.errors import notify_error

if TYPE_CHECKING:
    from fiedler_tui.tui.app import FiedlerApp

TURN_ONE = "what each model's turn 1 was sent"


class FollowUpScreen(ModalScreen[FollowUpSession | None]):
    """The question (and the run's prompt when it must be typed again), the preview, send."""

    DEFAULT_CSS = """
    FollowUpScreen { align: center middle; }
    #follow-up-box {
        width: 100; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    #follow-up-preview-box { height: auto; max-height: 30vh; }
    .follow-up-hint { color: $text-muted; width: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="follow-up-cancel"),
        Binding(
            "ctrl+r",
            "cycle_effort",
            "Reasoning effort",
            id="follow-up-reasoning-effort",
            tooltip="Turn 1's, minimal, low, medium or high, for the models that take one",
        ),
        Binding(
            "ctrl+o",
            "cycle_thinking",
            "Thinking budget",
            id="follow-up-thinking-budget",
            tooltip="Turn 1's, off, or 1,024 to 32,768 thinking tokens, for the models that "
            "take one",
        ),
    ]

    def __init__(self, folder: Path, run_id: str, aliases: Sequence[str]) -> None:
        """``aliases``: the models asked (empty: every model of the run with an answer)."""
        super().__init__()
        self.folder = folder
        self.run_id = run_id
        self.aliases = list(aliases)
        self.preview: FollowUpPreview | None = None
        self._previewed: tuple[str, str, ReasoningChoice] | None = None
        self.reasoning_effort: str | None = None
        """ctrl+r: the reasoning effort for the models that take one (None: turn 1's)."""
        self.thinking_budget: int | None = None
        """ctrl+o: the thinking budget for the models that take one (None: turn 1's)."""
        self._busy = False

    @property
    def host(self) -> FiedlerApp:
        return cast("FiedlerApp", self.app)

    def compose(self) -> ComposeResult:
        to = self.aliases[0] if len(self.aliases) == 1 else "every model"
        with Vertical(id="follow-up-box"):
            yield Static(
                plain(
                    f"Follow-up to {to} of run {self.run_id}: each model reads the package, the "
                    "prompt, its own answers and this question"
                )
            )
            yield Input(placeholder="the follow-up question", id="follow-up-question")
            prompt = Input(
                placeholder="the run's prompt, typed again (it was not saved)",
                id="follow-up-first-prompt",
            )
            prompt.display = False
            yield prompt
            yield Label(
                plain(
                    "reasoning: what each model's turn 1 was sent (ctrl+r effort, ctrl+o budget)"
                ),
                id="follow-up-reasoning",
                classes="follow-up-hint",
            )
            with VerticalScroll(id="follow-up-preview-box"):
                yield Static(id="follow-up-preview")
            yield Label(
                plain(
                    "enter shows the cost of the whole conversation, enter again sends; esc cancels"
                ),
                classes="follow-up-hint",
            )

    def _texts(self) -> tuple[str, str]:
        question = self.query_one("#follow-up-question", Input).value
        return question, self.query_one("#follow-up-first-prompt", Input).value

    def _reasoning(self) -> ReasoningChoice:
        return reasoning_choice(self.reasoning_effort, self.thinking_budget)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        if self._busy:
            return
        texts = self._texts()
        asked = (*texts, self._reasoning())
        if self.preview is not None and self.preview.sendable and self._previewed == asked:
            self._busy = True
            self._show(["checking the files and the run folder…"])
            self._launch(self.preview)
            return
        self._busy = True
        self._show(["counting the conversations…"])
        memory = prompt_memory(self.app)
        known = KnownTexts(memory.get, [texts[1]])
        self._preview(texts, known, self._reasoning())

    def _show(self, lines: list[str]) -> None:
        """``lines`` in the preview; when they are more than it holds, it scrolls to its end,
        where the reasons not to send (or that enter sends) are."""
        self.query_one("#follow-up-preview", Static).update(plain("\n".join(lines)))
        box = self.query_one("#follow-up-preview-box", VerticalScroll)
        box.call_after_refresh(box.scroll_end, animate=False)

    @work(thread=True, exclusive=True, group="follow-up", exit_on_error=False)
    def _preview(
        self, texts: tuple[str, str], known: KnownTexts, reasoning: ReasoningChoice
    ) -> None:
        app = self.host
        preview = preview_follow_up(
            folder=self.folder,
            question=texts[0],
            aliases=self.aliases,
            known=known,
            config=app.config,
            settings=app.settings,
            keystore=app.keystore,
            demo_keys=app.demo_keys,
            reasoning=reasoning,
        )
        app.call_from_thread(self._previewed_now, (*texts, reasoning), preview)

    def _previewed_now(
        self, asked: tuple[str, str, ReasoningChoice], preview: FollowUpPreview
    ) -> None:
        self._busy = False
        self.preview, self._previewed = preview, asked
        lines = preview.lines()
        if preview.sendable:
            lines.append("enter sends")
        self._show(lines)
        if preview.needs_prompt:
            field = self.query_one("#follow-up-first-prompt", Input)
            field.display = True
            field.focus()

    @work(thread=True, exclusive=True, group="follow-up", exit_on_error=False)
    def _launch(self, preview: FollowUpPreview) -> None:
        app = self.host
        got = launch_follow_up(preview, config=app.config, settings=app.settings)
        app.call_from_thread(self._launched, got)

    def _launched(self, got: FollowUpSession | tuple[str, ...]) -> None:
        self._busy = False
        if isinstance(got, FollowUpSession):
            memory = prompt_memory(self.app)
            memory.remember(got.plan.first_prompt)
            memory.remember(got.plan.question)
            self.dismiss(got)
            return
        self.preview = None
        self._show(["cannot send:", *got])

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self._busy = False
            self._show([])
            notify_error(self, event.worker.error, "Cannot follow up")

    def _reasoning_changed(self, text: str) -> None:
        """A new choice needs a new preview (enter shows it)."""
        self.query_one("#follow-up-reasoning", Label).update(plain(text))
        if not self._busy:
            self.preview = None
            self._show([])

    def action_cycle_effort(self) -> None:
        self.reasoning_effort = next_step(EFFORT_STEPS, self.reasoning_effort)
        self._reasoning_changed(effort_text(self.reasoning_effort, TURN_ONE))

    def action_cycle_thinking(self) -> None:
        self.thinking_budget = next_step(BUDGET_STEPS, self.thinking_budget)
        self._reasoning_changed(budget_text(self.thinking_budget, TURN_ONE))

    def action_cancel(self) -> None:
        self.dismiss(None)
