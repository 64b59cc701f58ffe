"""Compose's prompt templates (ctrl+t): pick one, and its text, placeholders filled with the
files and models selected now, goes into the prompt at the cursor (replacing a selection); or
save the prompt written as a new template.

Templates are read in a thread (:mod:`fiedler_tui.core.templates`); one with an unknown
placeholder is not inserted, and the notification names each one with its line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import TextArea

from fiedler_tui.core.files.names import display_name
from fiedler_tui.tui.compose_model_sets import selected_models
from fiedler_tui.tui.screens.name_entry import NameEntryScreen
from fiedler_tui.tui.screens.pick_one import PickOneScreen

if TYPE_CHECKING:
    from fiedler_tui.core.templates import Template
    from fiedler_tui.tui.screens.compose import ComposeScreen

SAVE_CHOICE = "\x00save"
"""The picker's entry that saves the prompt as a template (no template can be named so)."""


def open_templates(screen: ComposeScreen) -> None:
    """Read the templates in a thread, then offer them."""

    def read() -> None:
        from fiedler_tui.core.templates import TemplateError, load_template, template_names

        found: list[Template] = []
        problems: list[str] = []
        for name in template_names():
            try:
                found.append(load_template(name))
            except TemplateError as exc:
                problems.extend(exc.lines())
        screen.app.call_from_thread(_offer, screen, found, problems)

    screen.run_worker(read, thread=True, group="templates", exit_on_error=False)


def _offer(screen: ComposeScreen, found: list[Template], problems: list[str]) -> None:
    from fiedler_tui.core.templates import templates_dir

    if problems:
        screen.notify("\n".join(problems), title="Templates", severity="warning", markup=False)
    prompt = screen.query_one("#prompt", TextArea).text
    if not found and not prompt.strip():
        screen.notify(
            f"no prompt templates yet: write a prompt and save it with ctrl+t, or add NAME.md "
            f"files to {templates_dir()}",
            title="Templates",
            markup=False,
        )
        return
    by_name = {t.name: t for t in found}
    choices = [(t.name, f"{t.name}  {t.summary}") for t in found]
    if prompt.strip():
        choices.append((SAVE_CHOICE, "+ save the prompt as a new template…"))
    screen.app.push_screen(
        PickOneScreen("Prompt templates (inserted at the cursor, placeholders filled)", choices),
        lambda choice: _chosen(screen, by_name, choice, prompt),
    )


def _chosen(
    screen: ComposeScreen, by_name: dict[str, Template], choice: str | None, prompt: str
) -> None:
    if choice == SAVE_CHOICE:
        screen.app.push_screen(
            NameEntryScreen(
                "Name of the new template (saved as templates/NAME.md in the config dir):",
                _name_problem,
            ),
            lambda name: _save(screen, name, prompt),
        )
    else:
        _insert(screen, by_name.get(choice or ""))


def _save(screen: ComposeScreen, name: str | None, prompt: str) -> None:
    if not name:
        return
    if screen.host.settings.no_disk:
        screen.notify(
            "FIEDLER_NO_DISK=1: the template is not saved", severity="warning", markup=False
        )
        return

    def write() -> None:
        from fiedler_tui.core.templates import TemplateError, save_template

        try:
            path = save_template(name, prompt)
        except (TemplateError, OSError) as exc:
            text = "\n".join(exc.lines()) if isinstance(exc, TemplateError) else str(exc)
            screen.app.call_from_thread(
                screen.notify, text, title="Template not saved", severity="error", markup=False
            )
            return
        screen.app.call_from_thread(
            screen.notify, f"saved as {path}", title="Template", markup=False
        )

    screen.run_worker(write, thread=True, group="templates", exit_on_error=False)


def _name_problem(name: str) -> str | None:
    from fiedler_tui.core.templates import TemplateError, check_template_name

    try:
        check_template_name(name)
    except TemplateError as exc:
        return exc.message
    return None


def _insert(screen: ComposeScreen, template: Template | None) -> None:
    from fiedler_tui.core.templates import TemplateError, TemplateValues

    if template is None:
        return
    values = TemplateValues(files=package_paths(screen), models=selected_models(screen))
    try:
        text = template.render(values)
    except TemplateError as exc:
        screen.notify(
            "\n".join(exc.lines()), title="Template not used", severity="error", markup=False
        )
        return
    prompt = screen.query_one("#prompt", TextArea)
    prompt.replace(text, *prompt.selection)
    prompt.focus()


def package_paths(screen: ComposeScreen) -> list[str]:
    """The selected files as the package names them (from the last preview of exactly this
    selection), else as their paths are shown."""
    key = screen.current_key()
    result = screen.result
    if (
        result is not None
        and screen.result_key is not None
        and screen.result_key.paths == key.paths
    ):
        return [f.path for f in result.selection.files]
    return [display_name(p) for p in key.paths]
