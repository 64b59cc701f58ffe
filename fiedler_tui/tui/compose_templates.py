"""Compose's prompt templates (ctrl+t): pick one, and its text, placeholders filled with the
files and models selected now, goes into the prompt at the cursor (replacing a selection).

Templates are read in a thread (:mod:`fiedler_tui.core.templates`); one with an unknown
placeholder is not inserted, and the notification names each one with its line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import TextArea

from fiedler_tui.core.files.names import display_name
from fiedler_tui.tui.compose_model_sets import selected_models
from fiedler_tui.tui.screens.pick_one import PickOneScreen

if TYPE_CHECKING:
    from fiedler_tui.core.templates import Template
    from fiedler_tui.tui.screens.compose import ComposeScreen


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
    if not found:
        screen.notify(
            f"no prompt templates yet: add NAME.md files to {templates_dir()}",
            title="Templates",
            markup=False,
        )
        return
    by_name = {t.name: t for t in found}
    choices = [(t.name, f"{t.name}  {t.summary}") for t in found]
    screen.app.push_screen(
        PickOneScreen("Prompt templates (inserted at the cursor, placeholders filled)", choices),
        lambda choice: _insert(screen, by_name.get(choice or "")),
    )


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
