"""Models named by the user (by name or alias) as models.yaml names them."""

from __future__ import annotations

from collections.abc import Iterable

from fiedler_tui.core.config.schema import Config
from fiedler_tui.core.errors import UsageError


def model_names(config: Config, aliases: Iterable[str]) -> list[str]:
    """Each of ``aliases`` as its models.yaml entry name, in order; an unknown one is a
    UsageError naming the known ones."""
    names: list[str] = []
    for alias in aliases:
        try:
            names.append(config.resolve(alias).name)
        except KeyError as exc:
            raise UsageError(str(exc.args[0])) from None
    return names
