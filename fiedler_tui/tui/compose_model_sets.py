"""Compose's named model sets (ctrl+g): choose a saved set's models, or save the selected ones.

Sets live in ``model-sets.json`` in the user config dir (:mod:`fiedler_tui.core.model_sets`),
the same file ``-m @NAME`` reads; it is read and written in threads, off the event loop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import SelectionList

from fiedler_tui.core.model_sets import ModelSetError, check_set_name
from fiedler_tui.core.plural import counted
from fiedler_tui.tui.screens.name_entry import NameEntryScreen
from fiedler_tui.tui.screens.pick_one import PickOneScreen

if TYPE_CHECKING:
    from fiedler_tui.tui.screens.compose import ComposeScreen

SAVE_CHOICE = "\x00save"
"""The picker's entry that saves the selected models (no set can be named so)."""


def selected_models(screen: ComposeScreen) -> list[str]:
    """The models selected in Compose, in models.yaml's order."""
    if not screen.host.config_ready:
        return []
    chosen = set(screen.query_one("#models", SelectionList).selected)
    return [name for name in screen.host.config.models if name in chosen]


def open_model_sets(screen: ComposeScreen) -> None:
    """Read the saved sets in a thread, then offer them (and saving the selection)."""
    if not screen.host.config_ready:
        screen.notify(screen.host.no_config_reason, severity="warning", markup=False)
        return

    def read() -> None:
        from fiedler_tui.core.model_sets import load_model_sets

        sets = load_model_sets()
        screen.app.call_from_thread(_offer, screen, sets)

    screen.run_worker(read, thread=True, group="model-sets", exit_on_error=False)


def _offer(screen: ComposeScreen, sets: dict[str, list[str]]) -> None:
    choices: list[tuple[str, str]] = []
    for name, models in sorted(sets.items()):
        missing = [m for m in models if not _known(screen, m)]
        note = f"  ({len(missing)} not in models.yaml: {', '.join(missing)})" if missing else ""
        choices.append((name, f"@{name}  {', '.join(models)}{note}"))
    chosen = selected_models(screen)
    if chosen:
        choices.append(
            (SAVE_CHOICE, f"+ save the {counted(len(chosen), 'selected model')} as a set…")
        )
    if not choices:
        screen.notify(
            "no model sets saved yet: select models, then ctrl+g saves them as a set",
            title="Model sets",
            markup=False,
        )
        return
    screen.app.push_screen(
        PickOneScreen("Model sets (also usable as -m @NAME)", choices),
        lambda choice: _chosen(screen, sets, choice),
    )


def _chosen(screen: ComposeScreen, sets: dict[str, list[str]], choice: str | None) -> None:
    if choice is None:
        return
    if choice == SAVE_CHOICE:
        screen.app.push_screen(
            NameEntryScreen(
                f"Name of the set holding {', '.join(selected_models(screen))} "
                "(use it as -m @NAME too):",
                _name_problem,
            ),
            lambda name: _save(screen, name, replacing=set(sets)),
        )
        return
    config = screen.host.config
    known = {config.resolve(m).name for m in sets.get(choice, []) if _known(screen, m)}
    models = screen.query_one("#models", SelectionList)
    models.deselect_all()
    for name in known:
        models.select(name)
    left_out = [m for m in sets.get(choice, []) if not _known(screen, m)]
    extra = f"; not in models.yaml, left out: {', '.join(left_out)}" if left_out else ""
    screen.notify(f"@{choice}: {counted(len(known), 'model')} selected{extra}", markup=False)


def _save(screen: ComposeScreen, name: str | None, replacing: set[str]) -> None:
    """Save the selected models as ``name`` (a set of that name among ``replacing`` is
    replaced, and the notification says so)."""
    if not name:
        return
    models = selected_models(screen)
    bare = check_set_name(name)  # checked by the name entry already

    def write() -> None:
        from fiedler_tui.core.model_sets import save_model_set

        try:
            save_model_set(name, models)
        except (ModelSetError, OSError) as exc:
            text = exc.message if isinstance(exc, ModelSetError) else str(exc)
            screen.app.call_from_thread(
                screen.notify, f"not saved: {text}", severity="error", markup=False
            )
            return
        screen.app.call_from_thread(
            screen.notify,
            f"{'replaced' if bare in replacing else 'saved'} @{bare}: {', '.join(models)}",
            title="Model set",
            markup=False,
        )

    screen.run_worker(write, thread=True, group="model-sets", exit_on_error=False)


def _name_problem(name: str) -> str | None:
    try:
        check_set_name(name)
    except ModelSetError as exc:
        return exc.message
    return None


def _known(screen: ComposeScreen, alias: str) -> bool:
    try:
        screen.host.config.resolve(alias)
    except KeyError:
        return False
    return True
