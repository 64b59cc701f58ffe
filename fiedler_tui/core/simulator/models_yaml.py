"""models.yaml text (and a loaded Config) whose providers point at a running simulator.

The core then talks to the simulator exactly as to a real provider: nothing downstream knows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from fiedler_tui.core.config.loader import parse_config
from fiedler_tui.core.config.schema import Config
from fiedler_tui.core.simulator.script import ModelScript


@dataclass(frozen=True, kw_only=True)
class SimulatedModel:
    """One models.yaml entry served by the simulator, with its script."""

    name: str
    kind: str = "openai"
    """Provider kind: openai, anthropic, gemini or openai-compatible."""
    provider: str | None = None
    """Provider entry name; defaults to ``sim-<kind>``."""
    script: ModelScript = field(default_factory=ModelScript)
    wire_id: str | None = None
    aliases: tuple[str, ...] = ()
    context_window: int = 128_000
    max_completion_tokens: int = 4096
    accepts_temperature: bool = True
    completion_param: str | None = None
    price_in: float = 0.0
    price_out: float = 0.0
    price_cached_in: float | None = None
    price_cache_write: float | None = None
    price_tiers: tuple[Mapping[str, Any], ...] = ()
    """models.yaml ``price_tiers`` entries, e.g. ``{"above_input_tokens": 1000, ...}``."""
    reasoning: Mapping[str, Any] = field(default_factory=dict)
    """models.yaml reasoning keys, e.g. ``{"thinking_budget_range": [1024, 32000]}``."""
    default: bool = True

    @property
    def provider_name(self) -> str:
        return self.provider or f"sim-{self.kind}"

    @property
    def model_id(self) -> str:
        return self.wire_id or self.name


def scripts_for(models: Sequence[SimulatedModel]) -> dict[str, ModelScript]:
    """The simulator's scripts, keyed by wire id."""
    return {model.model_id: model.script for model in models}


def config_text(
    base_url_for: Any,
    models: Sequence[SimulatedModel],
    *,
    provider_settings: Mapping[str, Mapping[str, Any]] | None = None,
    header: str = "",
) -> str:
    """models.yaml text for ``models``.

    ``base_url_for(kind, prefix)`` gives each provider's base URL (``Simulator.base_url``);
    ``provider_settings`` adds or overrides keys per provider entry (e.g. ``max_retries``).
    Providers need no key unless ``requires_key: true`` is set there.
    """
    settings = provider_settings or {}
    providers: dict[str, dict[str, Any]] = {}
    entries: dict[str, dict[str, Any]] = {}
    for model in models:
        name = model.provider_name
        if name not in providers:
            providers[name] = {
                "kind": model.kind,
                "base_url": base_url_for(model.kind, name),
                "requires_key": False,
                "connect_timeout_s": 2,
                "read_timeout_s": 30,
                "total_timeout_s": 120,
                "max_retries": 2,
                "max_concurrency": 4,
                **dict(settings.get(name, {})),
            }
        entry: dict[str, Any] = {
            "provider": name,
            "context_window": model.context_window,
            "max_completion_tokens": model.max_completion_tokens,
            "accepts_temperature": model.accepts_temperature,
            "price_in": model.price_in,
            "price_out": model.price_out,
            "default": model.default,
        }
        if model.price_cached_in is not None:
            entry["price_cached_in"] = model.price_cached_in
        if model.price_cache_write is not None:
            entry["price_cache_write"] = model.price_cache_write
        if model.price_tiers:
            entry["price_tiers"] = [dict(tier) for tier in model.price_tiers]
        if model.wire_id:
            entry["model"] = model.wire_id
        if model.aliases:
            entry["aliases"] = list(model.aliases)
        if model.completion_param:
            entry["completion_param"] = model.completion_param
        entry.update(model.reasoning)
        entries[model.name] = entry
    document = {"version": 1, "providers": providers, "models": entries}
    return header + yaml.safe_dump(document, sort_keys=False)


def simulated_config(
    base_url_for: Any,
    models: Sequence[SimulatedModel],
    *,
    provider_settings: Mapping[str, Mapping[str, Any]] | None = None,
    source: str = "simulator",
) -> Config:
    """:func:`config_text`, loaded and validated."""
    text = config_text(base_url_for, models, provider_settings=provider_settings)
    return parse_config(text, source)
