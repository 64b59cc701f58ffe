"""Compose's count toggle (f6): whether hosted providers' count endpoints are asked in previews.

Local openai-compatible servers (and providers with ``count: api`` in models.yaml) are always
counted by their endpoint; the toggle opts in every other provider that has one, for this screen
only. The counts run inside the preview's worker (never on the event loop).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the counting code loads with the first preview, not before the first frame
    from fiedler_tui.core.budget import DryRunEngine
    from fiedler_tui.core.config.schema import Config
    from fiedler_tui.core.tokens.api_count import ProviderCounter

ON_TEXT = "count by API: on (hosted providers' count endpoints receive the package)"
OFF_TEXT = "count by API: off (hosted providers' models are estimated offline)"


def make_counter(config: Config, keys: Mapping[str, str | None]) -> ProviderCounter:
    from fiedler_tui.core.tokens.api_count import ProviderCounter

    return ProviderCounter(config, keys)


def apply_choice(engine: DryRunEngine, on: bool, keys: Mapping[str, str | None]) -> None:
    """Opt every provider in (``on``) or none, with the keys last looked up."""
    from fiedler_tui.core.tokens.api_count import ALL_PROVIDERS, ProviderCounter

    counter = engine.api_counter
    if isinstance(counter, ProviderCounter):
        counter.opted_in = frozenset({ALL_PROVIDERS}) if on else frozenset()
        counter.keys = dict(keys)


def close_counter(engine: DryRunEngine) -> None:
    """Close the engine's counter (its HTTP client and loop thread); blocking."""
    from fiedler_tui.core.tokens.api_count import ProviderCounter

    if isinstance(engine.api_counter, ProviderCounter):
        engine.api_counter.close()
