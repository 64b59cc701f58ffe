"""What a tool call asks for, checked: prompt, files, models, secrets policy, overrides."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from fiedler_tui.core.config.reasoning import ReasoningChoice
from fiedler_tui.core.config.schema import REASONING_EFFORTS
from fiedler_tui.core.mcp_tools.refusal import ToolRefusal
from fiedler_tui.core.secrets.policy import SecretPolicy

SECRET_POLICIES: dict[str, SecretPolicy] = {
    "refuse": SecretPolicy.REFUSE,
    "mask": SecretPolicy.MASK,
    "exclude": SecretPolicy.EXCLUDE,
    "allow": SecretPolicy.ALLOW,
}


@dataclass(frozen=True)
class ToolArguments:
    """The arguments ``fiedler_dry_run`` and ``fiedler_send`` share."""

    prompt: str
    files: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    secrets: str = "refuse"
    max_completion_tokens: int | None = None
    max_cost_usd: float | None = None
    system: str | None = None
    egress: str = "refuse"
    """A model the egress rules forbid files of the package: ``refuse`` the call, or
    ``reduce``: send it a package without those files."""
    reasoning_effort: str | None = None
    thinking_budget: int | None = None
    """Overrides of each model's reasoning effort and thinking budget (``config.reasoning``)."""

    def reasoning(self) -> ReasoningChoice:
        """The reasoning overrides asked for; a value no model could take is refused."""
        effort = next((e for e in REASONING_EFFORTS if e == self.reasoning_effort), None)
        if self.reasoning_effort is not None and effort is None:
            raise ToolRefusal(
                "bad-argument",
                f"reasoning_effort must be one of {', '.join(REASONING_EFFORTS)}, "
                f"not {self.reasoning_effort!r}",
            )
        if self.thinking_budget is not None and self.thinking_budget < 0:
            raise ToolRefusal("bad-argument", "thinking_budget must be 0 or more")
        return ReasoningChoice(effort, self.thinking_budget)

    def policy(self, allow_secrets: bool) -> SecretPolicy:
        """The secrets policy asked for; ``allow`` only when the server permits it."""
        policy = SECRET_POLICIES.get(self.secrets)
        if policy is None:
            raise ToolRefusal(
                "bad-argument",
                f"secrets must be one of {', '.join(SECRET_POLICIES)}, not {self.secrets!r}",
            )
        if policy is SecretPolicy.ALLOW and not allow_secrets:
            raise ToolRefusal(
                "secrets-not-allowed",
                "secrets='allow' is refused: the server was not started with "
                "FIEDLER_MCP_ALLOW_SECRETS=1; use 'mask' or 'exclude' instead",
            )
        return policy

    def check(self) -> None:
        """Refuse values no schema can rule out (the SDK checks the types)."""
        if self.max_completion_tokens is not None and self.max_completion_tokens <= 0:
            raise ToolRefusal("bad-argument", "max_completion_tokens must be above zero")
        cap = self.max_cost_usd
        if cap is not None and (not math.isfinite(cap) or cap <= 0):
            raise ToolRefusal("bad-argument", "max_cost_usd must be a positive number")
        self.reasoning()
        if self.egress not in ("refuse", "reduce"):
            problem = f"egress must be refuse or reduce, not {self.egress!r}"
            raise ToolRefusal("bad-argument", problem)


@dataclass(frozen=True)
class CrosstalkChoices:
    """What ``fiedler_crosstalk`` adds to a send's arguments; ``None`` leaves the choice to the
    paradigm's default (debate for the paradigm), or to the run resumed."""

    paradigm: str | None = None
    rounds: int | None = None
    chair: str | None = None
    personas: Mapping[str, str] = field(default_factory=dict)
    resume: str | None = None
    """The run id of an interrupted or cancelled deliberation to continue."""
