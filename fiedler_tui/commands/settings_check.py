"""``fiedler doctor``'s look at what a user keeps in the config dir: settings.toml (syntax,
types, values, unknown entries, ``[keymap]`` ids no key of the app has) and prompt templates
(unreadable ones, unknown placeholders)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from fiedler_tui.commands.binding_catalog import binding_catalog
from fiedler_tui.core.settings_file import close_name, read_settings_file

if TYPE_CHECKING:
    from fiedler_tui.commands.context import CommandContext
    from fiedler_tui.commands.doctor import Check


def check_settings_file(ctx: CommandContext) -> Iterator[Check]:
    """One line for the file, then one per problem: errors FAIL (every command refuses to
    start on them), unknown entries WARN (they are left out), and so do keymap ids no key of
    the app has (they change nothing)."""
    from fiedler_tui.commands.doctor import Check

    del ctx
    found = read_settings_file()
    name = "settings file"
    if not found.exists:
        yield Check("OK", name, f"none at {found.path} (optional: see the README's Settings file)")
        return
    if not found.errors:
        yield Check(
            "OK",
            name,
            f"{found.path}: {len(found.values)} setting(s), {len(found.keymap)} key(s) remapped",
        )
    for problem in found.errors:
        yield Check("FAIL", name, problem, "correct or remove the entry; commands stop until then")
    for problem in found.warnings:
        yield Check("WARN", name, problem, "check the name against the README's Settings file")
    if found.keymap:
        catalog = binding_catalog()
        known = sorted(catalog.ids)
        for binding_id, line in found.keymap_lines.items():
            if not catalog.has(binding_id):
                yield Check(
                    "WARN",
                    name,
                    f"{found.path.name}:{line}: keymap.{binding_id}: no key of the app has this "
                    f"id{close_name(binding_id, known)}",
                    "Help (f1) shows each key's id",
                )


def check_templates(ctx: CommandContext) -> Iterator[Check]:
    """Nothing when there are no templates; else one line, then a WARN per problem."""
    from fiedler_tui.commands.doctor import Check
    from fiedler_tui.core.templates import TemplateError, load_template, template_names

    del ctx
    names = template_names()
    if not names:
        return
    problems: list[str] = []
    for name in names:
        try:
            problems.extend(load_template(name).problems())
        except TemplateError as exc:
            problems.extend(exc.lines())
    if not problems:
        yield Check("OK", "templates", f"{len(names)} prompt template(s): {', '.join(names)}")
    for problem in problems:
        yield Check("WARN", "templates", problem, "fix the template (fiedler templates shows each)")
