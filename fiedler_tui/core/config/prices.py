"""What a model's tokens cost: the price tier a request falls in, and its usage priced part by part.

A model's ``price_tiers`` (long-context pricing) are chosen by the request's prompt tokens, every
input token counted, cached ones included, as the providers bill them: Gemini 2.5 Pro above 200K
prompt tokens, Anthropic's long-context requests above 200K input tokens. The tier then prices the
whole request, output included.
"""

from __future__ import annotations

from dataclasses import dataclass

from fiedler_tui.core.config.schema import ModelSpec

PER_TOKENS = 1_000_000
"""Prices in models.yaml are USD per this many tokens."""


@dataclass(frozen=True, slots=True)
class Prices:
    """USD per 1M tokens for one request of a model."""

    input: float
    output: float
    cached_input: float
    cache_write: float
    above_input_tokens: int | None = None
    """The threshold of the long-context tier in force; None: the model's base prices."""

    @property
    def tier_label(self) -> str:
        """``base`` or ``above 200,000 prompt tokens``."""
        if self.above_input_tokens is None:
            return "base"
        return f"above {self.above_input_tokens:,} prompt tokens"


def prices_for(model: ModelSpec, prompt_tokens: int) -> Prices:
    """The prices of a request to ``model`` whose prompt has ``prompt_tokens`` tokens."""
    price_in, price_out = model.price_in, model.price_out
    cached, written = model.price_cached_in, model.price_cache_write
    threshold: int | None = None
    for tier in model.price_tiers:
        if prompt_tokens > tier.above_input_tokens and (
            threshold is None or tier.above_input_tokens > threshold
        ):
            price_in, price_out = tier.price_in, tier.price_out
            cached, written = tier.price_cached_in, tier.price_cache_write
            threshold = tier.above_input_tokens
    return Prices(
        input=price_in,
        output=price_out,
        cached_input=price_in if cached is None else cached,
        cache_write=price_in if written is None else written,
        above_input_tokens=threshold,
    )


@dataclass(frozen=True, slots=True)
class UsageCost:
    """Reported usage priced part by part, in USD (unrounded)."""

    input: float
    """Input tokens neither read from nor written to the prompt cache."""
    cached_input: float
    cache_write: float
    output: float
    """Output tokens other than reasoning."""
    reasoning: float
    """Reasoning (thinking) tokens, billed as output."""
    total: float
    """The whole usage (summed before the division, as a bill would be)."""
    prices: Prices

    def parts(self) -> dict[str, float]:
        """Each part rounded to a millionth of a dollar, for a summary."""
        return {
            "input": round(self.input, 6),
            "cached_input": round(self.cached_input, 6),
            "cache_write": round(self.cache_write, 6),
            "output": round(self.output, 6),
            "reasoning": round(self.reasoning, 6),
        }


def price_usage(
    model: ModelSpec,
    tokens_in: int,
    tokens_out: int,
    *,
    cached_in: int = 0,
    cache_write: int = 0,
    reasoning: int = 0,
) -> UsageCost:
    """Price reported usage; the tier is chosen by ``tokens_in``.

    ``tokens_in`` counts every input token, the ``cached_in`` and ``cache_write`` parts
    included; ``tokens_out`` counts every output token, the ``reasoning`` part included (each
    wire format's usage is normalised that way by its adapter).
    """
    tokens_in, tokens_out = max(tokens_in, 0), max(tokens_out, 0)
    prices = prices_for(model, tokens_in)
    cached = min(max(cached_in, 0), tokens_in)
    written = min(max(cache_write, 0), tokens_in - cached)
    thought = min(max(reasoning, 0), tokens_out)
    parts = (
        prices.input * (tokens_in - cached - written),
        prices.cached_input * cached,
        prices.cache_write * written,
        prices.output * (tokens_out - thought),
        prices.output * thought,
    )
    fresh, read, wrote, out, thinking = (part / PER_TOKENS for part in parts)
    return UsageCost(
        input=fresh,
        cached_input=read,
        cache_write=wrote,
        output=out,
        reasoning=thinking,
        total=sum(parts) / PER_TOKENS,
        prices=prices,
    )


def worst_case_cost(model: ModelSpec, input_tokens: int, completion_reserve: int) -> float:
    """USD for ``input_tokens`` uncached plus the whole completion reserve, at the tier those
    input tokens fall in: the dry run's upper bound."""
    return price_usage(model, input_tokens, completion_reserve).total
