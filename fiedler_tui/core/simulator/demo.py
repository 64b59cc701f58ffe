"""The demo: a simulator with a few models of different speeds, and the models.yaml for it.

Used by ``fiedler --demo``::

    async with DemoEnvironment() as demo:
        config = demo.config          # providers point at the simulator; no keys needed
        keys = demo.keys              # provider name -> None
"""

from __future__ import annotations

from types import TracebackType

from fiedler_tui.core.config.schema import Config
from fiedler_tui.core.simulator.models_yaml import (
    SimulatedModel,
    config_text,
    scripts_for,
    simulated_config,
)
from fiedler_tui.core.simulator.script import Fault, ModelScript
from fiedler_tui.core.simulator.server import Simulator

_SWIFT = (
    "**Summary.** The change is small and safe.\n\n"
    "- The new parser handles every line ending.\n"
    "- One edge case is untested: an empty file.\n\n"
    "Suggested test: feed a zero-byte file and expect an empty result."
)
_STEADY = (
    "## Review\n\n"
    "The package is well organised. Three observations:\n\n"
    "1. `load()` reads the whole file before validating it; stream it instead for large inputs.\n"
    "2. Errors carry a code and a message, which keeps the UI simple. Keep it that way.\n"
    "3. The retry loop sleeps with jitter and honours `Retry-After`. Good.\n\n"
    "```python\nfor chunk in stream:\n    handle(chunk)\n```\n\n"
    "Overall: ready to merge after the first point."
)
_DELIBERATE = (
    "Let me go through the files in order.\n\n"
    "**config.py** validates every field and reports all problems at once; that is the right "
    "call for a file people edit by hand.\n\n"
    "**runner.py** fans out one task per model. Cancellation closes the connection, and a "
    "failure in one model never touches another.\n\n"
    "**Risks.** The idle timeout is generous for reasoning models; consider a per-model value. "
    "Nothing blocking."
)
_BUSY = (
    "I was rate limited once and retried after the server's Retry-After. "
    "The answer itself: the code reads clearly and the tests cover the failure paths."
)
_LOCAL = "Local model here. Looks fine to me; I would add a docstring to the public entry point."


DEMO_TOKENS_PER_MINUTE = 2_000_000
DEMO_REQUESTS_PER_MINUTE = 500
"""The limits demo-swift and demo-steady announce in their headers (doctor and Keys show them)."""


STEADY_THINKING = (
    "The question is about the retry loop. Check where text is appended before a retry "
    "decision, then whether each timeout message names its limit."
)


def demo_models() -> tuple[SimulatedModel, ...]:
    """Five demo models: fast, steady, slow-and-thoughtful, rate-limited-once, and local."""
    return (
        SimulatedModel(
            name="demo-swift",
            kind="openai",
            provider="demo-openai",
            aliases=("swift",),
            script=ModelScript(
                deliberates=True,
                reply=_SWIFT,
                ttft_s=0.3,
                tokens_per_s=90,
                tokens_per_minute=DEMO_TOKENS_PER_MINUTE,
                requests_per_minute=DEMO_REQUESTS_PER_MINUTE,
            ),
            price_in=0.5,
            price_out=2.0,
            reasoning={
                "reasoning_efforts": ["minimal", "low", "medium", "high"],
                "reasoning_effort": "low",
            },
        ),
        SimulatedModel(
            name="demo-steady",
            kind="anthropic",
            provider="demo-anthropic",
            aliases=("steady",),
            script=ModelScript(
                deliberates=True,
                reply=_STEADY,
                ttft_s=0.8,
                tokens_per_s=45,
                tokens_per_minute=DEMO_TOKENS_PER_MINUTE,
                requests_per_minute=DEMO_REQUESTS_PER_MINUTE,
                thoughts=STEADY_THINKING,
            ),
            price_in=3.0,
            price_out=15.0,
            reasoning={"thinking_budget_range": [1024, 32000], "thinking_budget": 2048},
        ),
        SimulatedModel(
            name="demo-deliberate",
            kind="gemini",
            provider="demo-gemini",
            aliases=("deliberate",),
            script=ModelScript(
                deliberates=True,
                reply=_DELIBERATE,
                ttft_s=1.6,
                tokens_per_s=30,
                thoughts="Reading config.py first, then runner.py.",
            ),
            price_in=1.25,
            price_out=10.0,
            reasoning={"thinking_budget_range": [128, 32768], "include_thoughts": True},
        ),
        SimulatedModel(
            name="demo-busy",
            kind="openai",
            provider="demo-openai",
            aliases=("busy",),
            script=ModelScript(
                deliberates=True,
                reply=_BUSY,
                ttft_s=0.5,
                tokens_per_s=60,
                faults=(Fault.rate_limit(retry_after="2"),),
            ),
            price_in=1.0,
            price_out=4.0,
        ),
        SimulatedModel(
            name="demo-local",
            kind="openai-compatible",
            provider="demo-local",
            aliases=("local",),
            completion_param="max_tokens",
            script=ModelScript(
                reply=_LOCAL,
                ttft_s=0.4,
                tokens_per_s=20,
                deliberates=True,
                thoughts="A small model: keep to the two files asked about.",
            ),
        ),
    )


class DemoEnvironment:
    """A running demo simulator plus the Config that points at it."""

    def __init__(self, models: tuple[SimulatedModel, ...] | None = None) -> None:
        self.models = models if models is not None else demo_models()
        self.simulator = Simulator(scripts_for(self.models))
        self._config: Config | None = None

    async def __aenter__(self) -> DemoEnvironment:
        await self.simulator.start()
        self._config = simulated_config(self.simulator.base_url, self.models, source="demo")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.simulator.close()

    @property
    def config(self) -> Config:
        if self._config is None:
            raise RuntimeError("the demo simulator is not running (use `async with`)")
        return self._config

    @property
    def config_text(self) -> str:
        """The models.yaml text of the demo (valid while the simulator runs)."""
        header = "# fiedler demo: every provider below is the built-in simulator.\n"
        return config_text(self.simulator.base_url, self.models, header=header)

    @property
    def keys(self) -> dict[str, str | None]:
        """Provider name -> key: the demo needs none."""
        return {name: None for name in self.config.providers}
