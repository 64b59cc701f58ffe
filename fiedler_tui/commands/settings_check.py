"""``fiedler doctor``'s look at settings.toml: syntax, types, values, unknown entries and ids."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from fiedler_tui.core.settings_file import read_settings_file

if TYPE_CHECKING:
    from fiedler_tui.commands.context import CommandContext
    from fiedler_tui.commands.doctor import Check


def check_settings_file(ctx: CommandContext) -> Iterator[Check]:
    """One line for the file, then one per problem: errors FAIL (every command refuses to
    start on them), unknown entries and binding ids WARN (they are left out)."""
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
