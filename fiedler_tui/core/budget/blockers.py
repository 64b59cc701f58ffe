"""What stops a send: one judgement for the dry run, the CLI's ``send`` and the app's send key.

Each blocker has a kind and a message in plain words. A missing key also names its provider, so
each front end can say how to add one in its own terms (``fiedler keys set PROVIDER`` on the
command line, f2 in the app): the message here names no front end's keys.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from fiedler_tui.core.files.names import display_name
from fiedler_tui.core.files.skips import SkippedPath

if TYPE_CHECKING:
    from fiedler_tui.core.budget.model_budget import ModelBudget
    from fiedler_tui.core.config.schema import Config
    from fiedler_tui.core.ratelimits.preflight import TokenLimit

KEY_MISSING = "missing"
"""The key status (a ``KeySource`` value) of a provider that needs a key and has none."""
KEY_NOT_NEEDED = "not needed"
KEY_GIVEN = "given"
"""The key status of a provider whose key a caller passed in (its source is not known here)."""


class BlockerKind(StrEnum):
    NO_MODEL = "no-model"
    EMPTY_PROMPT = "empty-prompt"
    PATH_REFUSED = "path-refused"
    """A named path is missing or outside the allowed roots."""
    UNPACKABLE = "unpackable"
    """A named path exists but cannot be packaged (binary, not UTF-8, a FIFO, ignored folder)."""
    EMPTY_PACKAGE = "empty-package"
    LIMIT = "limit"
    MISSING_KEY = "missing-key"
    OVER_BUDGET = "over-budget"
    RATE_LIMIT = "rate-limit"
    """One request of a model is larger than its provider's tokens-per-minute limit."""
    COST_CAP = "cost-cap"
    SECRETS = "secrets"
    NOT_PREVIEWED = "not-previewed"
    """A model asked for at send time was not part of the dry run."""
    EGRESS = "egress"
    """A model's egress rules forbid a file of its package (see ``core.egress``)."""
    REASONING = "reasoning"
    """A reasoning effort or thinking budget a model does not take (see ``config.reasoning``)."""


@dataclass(frozen=True)
class Blocker:
    """One reason the package may not be sent as it is."""

    kind: BlockerKind
    message: str
    provider: str | None = None
    """For a missing key: the provider that needs one."""

    def __str__(self) -> str:
        return self.message

    def to_json(self) -> dict[str, str | None]:
        return {"kind": str(self.kind), "message": self.message, "provider": self.provider}


NO_MODEL = Blocker(BlockerKind.NO_MODEL, "no model selected")
EMPTY_PROMPT = Blocker(BlockerKind.EMPTY_PROMPT, "the prompt is empty")


def request_blockers(prompt: str, model_count: int) -> list[Blocker]:
    """The checks that need no dry run: a model is chosen and the prompt says something."""
    found: list[Blocker] = []
    if model_count == 0:
        found.append(NO_MODEL)
    if not prompt.strip():
        found.append(EMPTY_PROMPT)
    return found


def path_blockers(
    refused: Sequence[SkippedPath], unpackable: Sequence[SkippedPath]
) -> list[Blocker]:
    """Each path the user named that cannot be used, with its reason."""
    found = [
        Blocker(BlockerKind.PATH_REFUSED, f"{display_name(s.path)}: {s.reason}") for s in refused
    ]
    found.extend(
        Blocker(BlockerKind.UNPACKABLE, f"{display_name(s.path)}: cannot be packaged: {s.reason}")
        for s in unpackable
    )
    return found


def empty_package_blocker(named_paths: int) -> Blocker:
    if named_paths == 0:
        return Blocker(BlockerKind.EMPTY_PACKAGE, "no file selected: the package is empty")
    return Blocker(
        BlockerKind.EMPTY_PACKAGE,
        "the package is empty: no file could be packaged from the paths given (see skipped)",
    )


def key_blockers(models: Sequence[tuple[str, str]], key_status: Mapping[str, str]) -> list[Blocker]:
    """One blocker per provider whose key status is ``missing``, naming the models needing it.

    ``models``: (model name, provider name) pairs. ``key_status``: provider name -> where its key
    comes from (``keyring``, ``env``, ``missing``, ``not needed``); providers absent from it are
    not judged."""
    needing: dict[str, list[str]] = {}
    for name, provider in models:
        if key_status.get(provider) == KEY_MISSING:
            needing.setdefault(provider, []).append(name)
    return [
        Blocker(
            BlockerKind.MISSING_KEY,
            f"no API key for {provider} (needed by {', '.join(names)})",
            provider=provider,
        )
        for provider, names in needing.items()
    ]


def key_status_of(config: Config, keys: Mapping[str, str | None]) -> dict[str, str]:
    """Key status per provider from the key values a sender holds (provider -> key or None)."""
    status: dict[str, str] = {}
    for name, provider in config.providers.items():
        if not provider.requires_key:
            status[name] = KEY_NOT_NEEDED
        else:
            status[name] = KEY_GIVEN if keys.get(name) else KEY_MISSING
    return status


def rate_limit_blockers(
    budgets: Sequence[ModelBudget], limits: Mapping[str, Sequence[TokenLimit]]
) -> list[Blocker]:
    """One blocker per model whose single request exceeds a tokens-per-minute limit of its
    provider (``limits``: provider name -> its limits, see ``core.ratelimits.token_limits``):
    the provider refuses such a request every time, so waiting or retrying cannot help."""
    found: list[Blocker] = []
    for budget in budgets:
        for limit in limits.get(budget.provider, ()):
            charge = limit.charge(budget.input_tokens, budget.completion_reserve)
            if charge <= limit.tokens_per_minute:
                continue
            counted = (
                "input tokens"
                if limit.input_only
                else f"tokens: {budget.input_tokens:,} input + "
                f"{budget.completion_reserve:,} completion limit"
            )
            found.append(
                Blocker(
                    BlockerKind.RATE_LIMIT,
                    f"{budget.alias} can never be accepted at this limit "
                    f"({limit.tokens_per_minute:,} {limit.unit}, {limit.source}; this request is "
                    f"{charge:,} {counted}): send fewer files, "
                    f"{'' if limit.input_only else 'lower the completion limit, '}"
                    "choose another model, or use a key on a higher rate-limit tier",
                )
            )
            break
    return found
