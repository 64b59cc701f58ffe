"""Command palette entries for a screen's actions.

A screen opts in with ``COMMANDS = {ScreenCommands}``: every binding with a description becomes a
palette entry. Commands without a key go in the screen's ``palette_commands()`` method, returning
:class:`PaletteCommand` (title, help, callback) tuples, which the app lists as system commands.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any, NamedTuple

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape
from textual.screen import Screen


class PaletteCommand(NamedTuple):
    """One palette entry: what it is called, what it does, and the callback."""

    name: str
    help: str
    callback: Callable[[], Any]


def binding_commands(screen: Screen[Any], prefix: str) -> Iterator[PaletteCommand]:
    """An entry per binding of ``screen`` that has a description."""
    for binding in screen.BINDINGS:
        if not isinstance(binding, Binding) or not binding.description:
            continue
        key = screen.app.get_key_display(binding)
        help_text = binding.tooltip or f"key: {key}"
        yield PaletteCommand(
            f"{prefix}: {binding.description}",
            help_text,
            partial(screen.run_action, binding.action),
        )


def screen_commands(screen: Screen[Any]) -> list[PaletteCommand]:
    """The described bindings of ``screen``."""
    prefix = getattr(screen, "PALETTE_PREFIX", screen.__class__.__name__)
    return list(binding_commands(screen, prefix))


class ScreenCommands(Provider):
    """Every key action of the screen the palette was opened on."""

    async def discover(self) -> Hits:
        for command in screen_commands(self.screen):
            yield DiscoveryHit(
                escape(command.name), command.callback, text=command.name, help=escape(command.help)
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in screen_commands(self.screen):
            name = escape(command.name)  # names may hold model aliases: never markup
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(name),
                    command.callback,
                    text=command.name,
                    help=escape(command.help),
                )
