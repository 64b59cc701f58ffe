"""Everything an adapter needs to know about one model, resolved once from the config.

The wire quirks (which completion-limit parameter, whether a temperature may be sent) come from
models.yaml data through :class:`~fiedler_tui.core.config.schema.Config`, never from ``if`` chains
on model names.
"""

from __future__ import annotations

from dataclasses import dataclass

from fiedler_tui.core.config.reasoning import ReasoningSettings, settings_for
from fiedler_tui.core.config.schema import CompletionParam, Config, ModelSpec, ProviderSpec
from fiedler_tui.core.request import ReviewRequest


@dataclass(frozen=True, kw_only=True)
class ModelProfile:
    """One selected model and its provider."""

    alias: str
    """The name the user selected it by (events are tagged with it)."""
    wire_id: str
    provider: ProviderSpec
    completion_param: CompletionParam
    max_completion_tokens: int
    accepts_temperature: bool
    temperature: float | None = None
    model: ModelSpec | None = None
    """The models.yaml entry (its reasoning controls); None: the model takes none."""

    @classmethod
    def from_config(
        cls, config: Config, model: ModelSpec, alias: str | None = None
    ) -> ModelProfile:
        return cls(
            alias=alias or model.name,
            wire_id=model.wire_id,
            provider=config.provider_of(model),
            completion_param=config.completion_param(model),
            max_completion_tokens=model.max_completion_tokens,
            accepts_temperature=model.accepts_temperature,
            temperature=model.temperature,
            model=model,
        )

    def completion_budget(self, request: ReviewRequest) -> int:
        """The completion limit to send: the request's override, else the model's own."""
        return request.max_completion_tokens or self.max_completion_tokens

    def reasoning_for(self, request: ReviewRequest) -> ReasoningSettings:
        """The reasoning effort, thinking budget and thought summaries to send: the model's
        defaults with the request's overrides where the model takes them."""
        if self.model is None:
            return ReasoningSettings()
        return settings_for(self.model, request.reasoning)

    def temperature_for(self, request: ReviewRequest) -> float | None:
        """The temperature to send, or None to omit it (models that only accept the default)."""
        if not self.accepts_temperature:
            return None
        return request.temperature if request.temperature is not None else self.temperature
