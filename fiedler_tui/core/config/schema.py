"""The typed shape of models.yaml: providers and models.

Wire quirks (which completion-limit parameter a model takes, whether it accepts a temperature)
live here as data, so adapters never grow per-model ``if`` chains.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, PositiveInt

NonNegativeFloat = Annotated[float, Field(ge=0)]
NonNegativeInt = Annotated[int, Field(ge=0)]


class ProviderKind(StrEnum):
    """The wire format a provider speaks."""

    OPENAI = "openai"
    ANTHROPIC = "anthropic"
    GEMINI = "gemini"
    OPENAI_COMPATIBLE = "openai-compatible"


CompletionParam = Literal["max_completion_tokens", "max_tokens"]
ReasoningEffort = Literal["minimal", "low", "medium", "high"]
"""How hard a reasoning model thinks (OpenAI ``reasoning_effort``, also xAI's)."""
REASONING_EFFORTS: tuple[ReasoningEffort, ...] = ("minimal", "low", "medium", "high")
CountSource = Literal["api", "estimate"]
"""``api``: ask the provider's count endpoint before sending; ``estimate``: count offline."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class ProviderSpec(_Strict):
    """One API endpoint and how to reach it."""

    name: str = ""
    """The key of this provider in models.yaml (filled in by the loader)."""
    kind: ProviderKind
    base_url: Annotated[str, Field(min_length=1, pattern=r"^https?://")]
    """Root of the API, e.g. ``https://api.openai.com/v1``."""
    key_name: str | None = None
    """Keyring entry (username under service ``fiedler``); defaults to the provider name."""
    key_env: list[str] = Field(default_factory=list)
    """Environment variables tried, in order, when the keyring has no key."""
    requires_key: bool = True
    """Local servers (Ollama, llama.cpp) need none."""
    connect_timeout_s: PositiveFloat = 5.0
    read_timeout_s: PositiveFloat = 120.0
    """Longest silence allowed between two chunks of a stream."""
    total_timeout_s: PositiveFloat = 900.0
    """Longest one model run may take, retries included."""
    max_retries: Annotated[int, Field(ge=0, le=10)] = 2
    max_concurrency: PositiveInt = 4
    requests_per_minute: PositiveInt | None = None
    tokens_per_minute: PositiveInt | None = None
    completion_param: CompletionParam | None = None
    """Default completion-limit parameter of this provider's models (openai-style kinds)."""
    headers: dict[str, str] = Field(default_factory=dict)
    """Extra request headers (never put a key here: use the key store)."""
    proxy: str | None = None
    """``http(s)://[user:password@]host:port``, or ``direct``; unset: the environment's."""
    ca_bundle: Path | None = None
    """PEM file of the CA certificates that verify this provider (and an https proxy); replaces
    the system's store. Relative paths are relative to models.yaml's folder."""
    count: CountSource | None = None
    """How the dry run counts this provider's models' input: ``api`` sends the request to the
    provider's count endpoint (the package leaves the machine before the send), ``estimate``
    counts offline. Unset: ``api`` for an openai-compatible server on loopback, else
    ``estimate``."""

    @property
    def keyring_name(self) -> str:
        return self.key_name or self.name


class PriceTier(_Strict):
    """Prices that replace the model's own for a request whose prompt is longer than
    ``above_input_tokens`` (e.g. Gemini 2.5 Pro above 200K prompt tokens). The whole request,
    output included, is billed at the tier's prices."""

    above_input_tokens: PositiveInt
    """The tier applies when the prompt (every input token, cached ones included) exceeds this."""
    price_in: NonNegativeFloat
    price_out: NonNegativeFloat
    price_cached_in: NonNegativeFloat | None = None
    """Null: this tier's ``price_in``."""
    price_cache_write: NonNegativeFloat | None = None
    """Null: this tier's ``price_in``."""


class ModelSpec(_Strict):
    """One model as the user selects it."""

    name: str = ""
    """The key of this model in models.yaml (filled in by the loader); the primary alias."""
    provider: str
    model: str | None = None
    """The model id sent on the wire; defaults to the entry's name."""
    aliases: list[str] = Field(default_factory=list)
    context_window: PositiveInt
    max_completion_tokens: PositiveInt
    """Completion tokens reserved in the budget and sent as the request's limit."""
    max_output_tokens: PositiveInt | None = None
    """The model's documented output ceiling; ``max_completion_tokens`` may not exceed it."""
    completion_param: CompletionParam | None = None
    """Overrides the provider's completion-limit parameter."""
    accepts_temperature: bool = True
    """False for models that reject any temperature but the default (o-series, gpt-5)."""
    temperature: Annotated[float, Field(ge=0, le=2)] | None = None
    tokenizer: str | None = None
    """The model's own tiktoken encoding (exact counts), or null when there is none."""
    estimate_encoding: str = "o200k_base"
    """Encoding used for an estimate when ``tokenizer`` is null."""
    estimate_factor: PositiveFloat = 1.0
    """Multiplier applied to the estimate encoding's count (e.g. 1.6 for Claude)."""
    estimate_band: tuple[PositiveFloat, PositiveFloat] | None = None
    """Published range of the true/estimate ratio, shown as the estimate's error band."""
    price_in: NonNegativeFloat = 0.0
    """USD per 1M input tokens."""
    price_out: NonNegativeFloat = 0.0
    """USD per 1M output tokens."""
    price_cached_in: NonNegativeFloat | None = None
    """USD per 1M input tokens read from the provider's prompt cache; null: ``price_in``."""
    price_cache_write: NonNegativeFloat | None = None
    """USD per 1M input tokens written to the prompt cache (Anthropic); null: ``price_in``."""
    price_tiers: list[PriceTier] = Field(default_factory=list)
    """Long-context prices, in increasing ``above_input_tokens`` order; the highest tier whose
    threshold the prompt exceeds prices the whole request."""
    batch_discount: Annotated[float, Field(gt=0, le=1)] | None = None
    """The share of the live prices a batch job is billed (0.5: half); null: 0.5 for kinds
    openai, anthropic and gemini, whose batch engines bill half, and 1 for the others (their
    part of a batch job runs as ordinary requests)."""
    count: CountSource | None = None
    """Overrides the provider's ``count`` for this model."""
    reasoning_efforts: list[ReasoningEffort] = Field(default_factory=list)
    """The ``reasoning_effort`` values the model accepts (empty: it takes none)."""
    reasoning_effort: ReasoningEffort | None = None
    """Sent by default (one of ``reasoning_efforts``); null: the provider's default."""
    thinking_budget_range: tuple[NonNegativeInt, PositiveInt] | None = None
    """The thinking budgets the model accepts, lowest and highest (Anthropic extended
    thinking, Gemini ``thinkingConfig``); null: it takes none."""
    thinking_optional: bool = False
    """The model answers without thinking when sent no budget (Anthropic's extended thinking
    is opt-in): a budget of 0 then sends none. Otherwise 0 is accepted only where the range
    starts at 0 (Gemini Flash's ``thinkingBudget: 0``)."""
    thinking_budget: NonNegativeInt | None = None
    """Thinking tokens sent by default; 0 turns thinking off; null: no budget sent (the
    provider's default: Anthropic no thinking, Gemini the model's own dynamic budget)."""
    include_thoughts: bool = False
    """Gemini: ask for thought summaries (streamed apart from the answer)."""
    default: bool = False
    """Selected when the user names no model."""

    @property
    def wire_id(self) -> str:
        return self.model or self.name

    @property
    def all_names(self) -> list[str]:
        return [self.name, *self.aliases]


EgressDefault = Literal["allow", "deny"]


class EgressRule(_Strict):
    """Which providers or models may receive the files under one folder or matching one glob
    (see ``core.egress``)."""

    path: Annotated[str, Field(min_length=1)]
    """A folder or file, or a glob; relative to each allowed root, or absolute (``/``, ``~``)."""
    to: list[str]
    """Provider names, model names or aliases that may receive these files; empty: nobody."""
    line: int | None = None
    """The rule's line in models.yaml (filled in by the loader), to name it in refusals."""


class EgressSection(_Strict):
    """models.yaml ``egress:``: the rules and what applies to a file no rule matches."""

    default: EgressDefault = "allow"
    rules: list[EgressRule] = Field(default_factory=list)


class Config(_Strict):
    """A validated models.yaml."""

    version: Literal[1] = 1
    providers: dict[str, ProviderSpec]
    models: dict[str, ModelSpec]
    egress: EgressSection = Field(default_factory=EgressSection)
    """Which files may go to which providers and models."""
    source: str = ""
    """Where this config was read from (path or ``packaged default``)."""

    def provider_of(self, model: ModelSpec) -> ProviderSpec:
        return self.providers[model.provider]

    def completion_param(self, model: ModelSpec) -> CompletionParam:
        """The completion-limit parameter for an openai-style request to ``model``."""
        if model.completion_param is not None:
            return model.completion_param
        provider = self.provider_of(model)
        if provider.completion_param is not None:
            return provider.completion_param
        return "max_completion_tokens" if provider.kind is ProviderKind.OPENAI else "max_tokens"

    def resolve(self, name: str) -> ModelSpec:
        """The model called ``name`` (entry name or alias); KeyError lists the known names."""
        for model in self.models.values():
            if name in model.all_names:
                return model
        known = ", ".join(sorted(n for m in self.models.values() for n in m.all_names))
        raise KeyError(f"unknown model {name!r}; known: {known}")

    def default_models(self) -> list[ModelSpec]:
        return [m for m in self.models.values() if m.default]
