"""The result of ``fiedler_list_models``: one typed shape per configured model (its output
schema), with what ``fiedler models --json`` shows of prices and reasoning controls."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, Field

from fiedler_tui.core.config.schema import Config, ModelSpec, PriceTier
from fiedler_tui.core.keys import ResolvedKey


class PriceTierInfo(BaseModel):
    above_input_tokens: int = Field(
        description="the tier prices a request whose prompt (every input token, cached ones "
        "included) exceeds this; the whole request, output included, is billed at the tier"
    )
    price_in_usd_per_million: float
    price_out_usd_per_million: float
    price_cached_in_usd_per_million: float | None = Field(
        None, description="input read from the prompt cache (null: the tier's input price)"
    )
    price_cache_write_usd_per_million: float | None = Field(
        None, description="input written to the prompt cache (null: the tier's input price)"
    )


class ModelInfo(BaseModel):
    name: str = Field(description="the model's name in models.yaml")
    aliases: list[str]
    provider: str
    kind: str = Field(description="the provider's API: openai, anthropic, gemini, ...")
    model_id: str = Field(description="the id sent to the provider")
    default: bool = Field(description="used when a call names no model")
    context_window: int
    max_completion_tokens: int = Field(description="completion tokens reserved and sent")
    price_in_usd_per_million: float
    price_out_usd_per_million: float
    price_cached_in_usd_per_million: float | None = Field(
        None, description="input read from the prompt cache (null: price_in)"
    )
    price_cache_write_usd_per_million: float | None = Field(
        None, description="input written to the prompt cache (null: price_in)"
    )
    price_tiers: list[PriceTierInfo] = Field(
        default_factory=list,
        description="long-context prices, lowest threshold first; the highest tier a prompt "
        "exceeds prices the whole request",
    )
    tokenizer: str | None = Field(None, description="its own tiktoken encoding (exact counts)")
    reasoning_efforts: list[str] = Field(
        default_factory=list, description="the reasoning_effort values it takes (empty: none)"
    )
    reasoning_effort: str | None = Field(None, description="the effort sent by default")
    thinking_budget_range: list[int] | None = Field(
        None, description="the thinking budgets it takes, lowest and highest (null: none)"
    )
    thinking_budget: int | None = Field(
        None, description="thinking tokens sent by default (0: off; null: none sent)"
    )
    thinking_optional: bool = Field(
        False, description="it answers without thinking when sent no budget (0 is accepted)"
    )
    include_thoughts: bool = Field(False, description="thought summaries are asked for")
    read_timeout_s: float
    total_timeout_s: float
    max_retries: int
    key: str | None = Field(
        None, description="where its provider's key comes from: keyring, env, missing..."
    )


class ModelList(BaseModel):
    config: str = Field(description="the models.yaml in use")
    models: list[ModelInfo]


def _tier(tier: PriceTier) -> PriceTierInfo:
    return PriceTierInfo(
        above_input_tokens=tier.above_input_tokens,
        price_in_usd_per_million=tier.price_in,
        price_out_usd_per_million=tier.price_out,
        price_cached_in_usd_per_million=tier.price_cached_in,
        price_cache_write_usd_per_million=tier.price_cache_write,
    )


def model_info(config: Config, model: ModelSpec, keys: Mapping[str, ResolvedKey]) -> ModelInfo:
    provider = config.provider_of(model)
    key = keys.get(provider.name)
    budgets = model.thinking_budget_range
    return ModelInfo(
        name=model.name,
        aliases=list(model.aliases),
        provider=provider.name,
        kind=str(provider.kind),
        model_id=model.wire_id,
        default=model.default,
        context_window=model.context_window,
        max_completion_tokens=model.max_completion_tokens,
        price_in_usd_per_million=model.price_in,
        price_out_usd_per_million=model.price_out,
        price_cached_in_usd_per_million=model.price_cached_in,
        price_cache_write_usd_per_million=model.price_cache_write,
        price_tiers=[_tier(tier) for tier in model.price_tiers],
        tokenizer=model.tokenizer,
        reasoning_efforts=list(model.reasoning_efforts),
        reasoning_effort=model.reasoning_effort,
        thinking_budget_range=list(budgets) if budgets else None,
        thinking_budget=model.thinking_budget,
        thinking_optional=model.thinking_optional,
        include_thoughts=model.include_thoughts,
        read_timeout_s=provider.read_timeout_s,
        total_timeout_s=provider.total_timeout_s,
        max_retries=provider.max_retries,
        key=str(key.source) if key is not None else None,
    )


def model_list(config: Config, keys: Mapping[str, ResolvedKey]) -> ModelList:
    return ModelList(
        config=config.source, models=[model_info(config, m, keys) for m in config.models.values()]
    )
