"""Compose's prompt history (ctrl+up older, ctrl+down newer), when saving prompts is opted into.

The prompts come from :mod:`fiedler_tui.core.prompt_history`, read in a thread the first time
they are asked for; each prompt sent is added in a thread. Going back keeps the prompt being
written, and coming forward past the newest restores it. With history off nothing is read or
written, and the keys say how to turn it on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.widgets import TextArea

from fiedler_tui.core.prompt_history import history_enabled

if TYPE_CHECKING:
    from fiedler_tui.tui.screens.compose import ComposeScreen

OFF_TEXT = (
    "prompt history is off: prompts are kept only with save_prompt = true in settings.toml "
    "(or FIEDLER_SAVE_PROMPT=1), which also keeps them in the runs' summaries"
)

NO_DISK_TEXT = "prompt history is off: FIEDLER_NO_DISK=1 keeps nothing on disk"


@dataclass
class PromptRecall:
    """Where Compose is in the history: -1 is the prompt being written (kept in ``draft``)."""

    entries: list[str] | None = None
    index: int = -1
    draft: str = ""
    pending: list[int] = field(default_factory=list)
    """Steps asked for while the history was being read."""


def recall(screen: ComposeScreen, step: int) -> None:
    """Show the prompt ``step`` places older (1) or newer (-1) than the one shown."""
    settings = screen.host.settings
    if not history_enabled(settings):
        text = NO_DISK_TEXT if settings.no_disk else OFF_TEXT
        screen.notify(text, title="Prompt history", severity="warning", markup=False)
        return
    state = screen.prompt_recall
    if state.entries is None:
        state.pending.append(step)
        if len(state.pending) == 1:
            screen.run_worker(
                lambda: _load(screen), thread=True, group="prompt-history", exit_on_error=False
            )
        return
    _step(screen, state, step)


def _load(screen: ComposeScreen) -> None:
    from fiedler_tui.core.prompt_history import load_prompt_history

    entries = load_prompt_history(screen.host.settings)
    screen.app.call_from_thread(_loaded, screen, entries)


def _loaded(screen: ComposeScreen, entries: list[str]) -> None:
    state = screen.prompt_recall
    state.entries = entries
    steps, state.pending = state.pending, []
    for step in steps:
        _step(screen, state, step)


def _step(screen: ComposeScreen, state: PromptRecall, step: int) -> None:
    entries = state.entries or []
    target = state.index + step
    if not entries:
        screen.notify("no earlier prompts kept yet", title="Prompt history", markup=False)
        return
    if target >= len(entries) or target < -1:
        return  # at the oldest, or already at the prompt being written
    prompt = screen.query_one("#prompt", TextArea)
    if state.index == -1:
        state.draft = prompt.text
    state.index = target
    prompt.load_text(state.draft if target == -1 else entries[target])
    prompt.move_cursor(prompt.document.end)
    where = "the prompt being written" if target == -1 else f"{target + 1} of {len(entries)}"
    screen.query_one("#prompt").border_subtitle = f"history: {where}"


def record(screen: ComposeScreen, prompt: str) -> None:
    """Add a prompt just sent (in a thread); nothing at all when history is off."""
    settings = screen.host.settings
    if not history_enabled(settings):
        return
    state = screen.prompt_recall
    if state.entries is not None:
        state.entries = [prompt, *(p for p in state.entries if p != prompt)]
    state.index = -1
    screen.query_one("#prompt").border_subtitle = ""

    def write() -> None:
        from fiedler_tui.core.prompt_history import add_to_prompt_history

        add_to_prompt_history(settings, prompt)

    screen.run_worker(write, thread=True, group="prompt-history", exit_on_error=False)


def pick(screen: ComposeScreen) -> None:
    """A list of the prompts kept (first line of each, newest first); the one chosen replaces
    the prompt (the one being written is kept for ctrl+down)."""
    settings = screen.host.settings
    if not history_enabled(settings):
        recall(screen, 1)  # says why there is none
        return

    def read() -> None:
        from fiedler_tui.core.prompt_history import load_prompt_history

        entries = load_prompt_history(settings)
        screen.app.call_from_thread(_offer, screen, entries)

    screen.run_worker(read, thread=True, group="prompt-history", exit_on_error=False)


def _offer(screen: ComposeScreen, entries: list[str]) -> None:
    from fiedler_tui.tui.screens.pick_one import PickOneScreen

    state = screen.prompt_recall
    state.entries, state.pending = entries, []
    if not entries:
        screen.notify("no earlier prompts kept yet", title="Prompt history", markup=False)
        return
    choices = [(str(n), _first_line(text)) for n, text in enumerate(entries)]
    screen.app.push_screen(
        PickOneScreen(
            "Earlier prompts, newest first (ctrl+up/ctrl+down step through them)", choices
        ),
        lambda choice: _step(screen, state, int(choice) - state.index) if choice else None,
    )


def _first_line(text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    first = lines[0] if lines else ""
    more = f"  (+{len(lines) - 1} lines)" if len(lines) > 1 else ""
    return (first if len(first) <= 70 else first[:69] + "…") + more
