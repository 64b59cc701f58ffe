"""Keys a screen leaves out of its footer while the terminal is narrow (they stay keys, shown in
Help)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from textual.binding import ActiveBinding


def hidden_from_footer(
    bindings: dict[str, ActiveBinding], hides: Collection[str | None]
) -> dict[str, ActiveBinding]:
    """``bindings`` with those whose id is in ``hides`` not shown in the footer."""
    return {
        key: active._replace(binding=replace(active.binding, show=False))
        if active.binding.id in hides
        else active
        for key, active in bindings.items()
    }
