"""Per model, the files of a package its egress rules forbid, each with the deciding rule."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from fiedler_tui.core.config.schema import ModelSpec
from fiedler_tui.core.egress.policy import EgressPolicy


class PackagedPath(Protocol):
    """What a package knows of one of its files (``PackagedFile``, ``SelectedFile``)."""

    @property
    def path(self) -> str: ...

    @property
    def real(self) -> str: ...


@dataclass(frozen=True)
class NamedFile:
    """A file sent outside the package (a persona file), as the rules judge it."""

    path: str
    """As the user named it."""
    real: str
    """Resolved."""


@dataclass(frozen=True)
class Withheld:
    """A file one model may not receive, and why."""

    path: str
    """The file's path in the package."""
    reason: str
    """The deciding rule(s), or the default."""

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "rule": self.reason}


def withheld_files(
    policy: EgressPolicy, model: ModelSpec, files: Iterable[PackagedPath]
) -> tuple[Withheld, ...]:
    """The files among ``files`` that ``model`` may not receive, in package order."""
    if not policy.active:
        return ()
    found: list[Withheld] = []
    for file in files:
        verdict = policy.verdict(file.real)
        if not verdict.allows(model):
            found.append(Withheld(file.path, verdict.reason))
    return tuple(found)


def withheld_by_model(
    policy: EgressPolicy, models: Sequence[ModelSpec], files: Sequence[PackagedPath]
) -> Mapping[str, tuple[Withheld, ...]]:
    """Model name -> the files it may not receive, for the models that may not receive some."""
    found = {m.name: withheld_files(policy, m, files) for m in models}
    return {name: withheld for name, withheld in found.items() if withheld}


@dataclass(frozen=True)
class Explanation:
    """What decides for one file, and whether each model may receive it."""

    reason: str
    allowed: Mapping[str, bool]
    """Model name -> may it receive the file."""


def explain(policy: EgressPolicy, real: str, models: Sequence[ModelSpec]) -> Explanation:
    """What decides for the file at the resolved path ``real``, for each of ``models``."""
    verdict = policy.verdict(real)
    return Explanation(verdict.reason, {m.name: verdict.allows(m) for m in models})
