"""Compose's crosstalk mode, kept out of the Compose screen's module: switching the mode (f8),
the options form (f9), judging the deliberation's budget after each fresh preview, and handing
an accepted preview to the app as a deliberation.

The models selected in Compose are the members; a chair chosen in the form that is not selected
is previewed with them (so its key and window are judged) but does not answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import SelectionList

from fiedler_tui.tui.widgets.crosstalk_mode import CrosstalkSettings, DeliberationBudgetView

if TYPE_CHECKING:
    from fiedler_tui.core.budget import DryRunResult
    from fiedler_tui.tui.screens.compose import ComposeScreen

JUDGING = "the deliberation's budget is being judged"


def members(screen: ComposeScreen) -> list[str]:
    """The selected models, in models.yaml's order (the chair only if selected)."""
    if not screen.host.config_ready:
        return []
    chosen = set(screen.query_one("#models", SelectionList).selected)
    return [name for name in screen.host.config.models if name in chosen]


def judgement_key(screen: ComposeScreen) -> object:
    settings = screen.crosstalk
    return (
        screen.current_key(),
        settings.paradigm,
        settings.rounds,
        settings.chair,
        tuple(sorted(settings.personas.items())),
    )


def show_mode(screen: ComposeScreen) -> None:
    crosstalk = screen.crosstalk.crosstalk
    screen.query_one("#budget").display = not crosstalk
    view = screen.query_one(DeliberationBudgetView)
    view.set_class(crosstalk, "-on")
    view.border_subtitle = screen.crosstalk.describe() + " · f9 options" if crosstalk else ""


def cycle_mode(screen: ComposeScreen) -> None:
    mode = screen.crosstalk.next_mode()
    show_mode(screen)
    if mode == "crosstalk":
        screen.notify(
            f"crosstalk: the selected models deliberate ({screen.crosstalk.describe()}); "
            "f9 changes paradigm, rounds, chair and personas",
            title="Mode",
            markup=False,
        )
    else:
        screen.notify("fan-out: every selected model answers on its own", title="Mode")
    refresh(screen)


def refresh(screen: ComposeScreen) -> None:
    """Preview for the new state (the chair may have joined or left it), then judge it."""
    screen.preview_now()
    if screen.crosstalk.crosstalk and screen.fresh:
        judge(screen)
    screen.deliberation_judged()


def open_options(screen: ComposeScreen) -> None:
    from fiedler_tui.tui.screens.crosstalk_options import CrosstalkOptionsScreen

    if not screen.host.config_ready:
        screen.notify(screen.host.no_config_reason, severity="warning")
        return

    def chosen(settings: CrosstalkSettings | None) -> None:
        if settings is None:
            return
        settings.mode = "crosstalk"
        screen.crosstalk = settings
        show_mode(screen)
        refresh(screen)

    models = list(screen.host.config.models)
    screen.app.push_screen(CrosstalkOptionsScreen(screen.crosstalk, models), chosen)


def judge(screen: ComposeScreen) -> None:
    """Judge the deliberation of the fresh preview (a thread worker in the view)."""
    result = screen.result
    if result is None:
        return
    view = screen.query_one(DeliberationBudgetView)
    key = judgement_key(screen)
    if view.problems_for(key) is not None:
        return
    view.judge(
        key,
        config=screen.host.config,
        settings=screen.host.settings,
        result=result,
        choices=screen.crosstalk.choices(members(screen)),
    )


def problems(screen: ComposeScreen) -> list[str]:
    """Why the deliberation may not start (the budget's refusals by round, a bad choice)."""
    found = screen.query_one(DeliberationBudgetView).problems_for(judgement_key(screen))
    return [JUDGING] if found is None else found


def package_cost(screen: ComposeScreen) -> str | None:
    """The worst case the package line shows in crosstalk mode (the deliberation's, every
    round and turn); None in fan-out mode (the line shows the fan-out's)."""
    if not screen.crosstalk.crosstalk:
        return None
    view = screen.query_one(DeliberationBudgetView)
    key = judgement_key(screen)
    worst = view.worst_case_for(key)
    if worst is not None:
        return f"${worst:.4f}"
    return "unknown" if view.problems_for(key) is not None else "being judged…"


def start_deliberation(screen: ComposeScreen, result: DryRunResult) -> None:
    starter = getattr(screen.app, "start_deliberation", None)
    if starter is None:
        screen.notify("this build cannot deliberate", severity="error")
        return
    starter(result, screen.crosstalk.choices(members(screen)))
