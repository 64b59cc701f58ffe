"""The dry run's egress judgement: per model, the files its rules forbid, and what it gets.

A model that may receive every file gets the package as it is. One that may not is refused
(a blocker naming the files and rules) unless the user chose a reduced package for it: then it
gets its own package without those files, budgeted on its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from fiedler_tui.core.budget.blockers import Blocker, BlockerKind
from fiedler_tui.core.config.schema import ModelSpec
from fiedler_tui.core.egress.decisions import PackagedPath, Withheld, withheld_by_model
from fiedler_tui.core.egress.policy import EgressPolicy
from fiedler_tui.core.files.names import display_name
from fiedler_tui.core.plural import counted

FILES_NAMED = 5
"""How many forbidden files a refusal names."""


@dataclass(frozen=True)
class EgressSplit:
    """What the egress rules leave each model."""

    withheld: Mapping[str, tuple[Withheld, ...]] = field(default_factory=dict)
    """Model name -> the files it may not receive (only models with some)."""
    reduced: frozenset[str] = frozenset()
    """Models that get a package without those files instead of a refusal."""

    def left_out(self, name: str) -> frozenset[str]:
        """Package paths left out of ``name``'s reduced package (empty when not reduced)."""
        if name not in self.reduced:
            return frozenset()
        return frozenset(w.path for w in self.withheld[name])

    @property
    def refused(self) -> list[str]:
        return [name for name in self.withheld if name not in self.reduced]


def split_package(
    policy: EgressPolicy | None,
    models: Sequence[ModelSpec],
    files: Sequence[PackagedPath],
    reduce: frozenset[str],
) -> EgressSplit:
    """Judge ``files`` for each of ``models``; those named in ``reduce`` get a reduced package."""
    if policy is None or not policy.active:
        return EgressSplit()
    withheld = withheld_by_model(policy, models, files)
    return EgressSplit(withheld, frozenset(name for name in withheld if name in reduce))


def egress_blocker(alias: str, withheld: Sequence[Withheld]) -> Blocker:
    """The refusal to send ``alias`` a package holding the ``withheld`` files."""
    shown = "; ".join(f"{display_name(w.path)} ({w.reason})" for w in withheld[:FILES_NAMED])
    more = f"; and {len(withheld) - FILES_NAMED} more" if len(withheld) > FILES_NAMED else ""
    return Blocker(
        BlockerKind.EGRESS,
        f"{alias} may not receive {counted(len(withheld), 'file')} of the package under the egress "
        f"rules: {shown}{more}; leave them out, choose another model, or send it a reduced "
        "package without them",
    )


def egress_blockers(split: EgressSplit, kept_files: Mapping[str, int]) -> list[Blocker]:
    """A blocker per refused model, and per reduced model left with no file
    (``kept_files``: model name -> files in its reduced package)."""
    found = [egress_blocker(name, split.withheld[name]) for name in split.refused]
    found.extend(
        Blocker(
            BlockerKind.EGRESS,
            f"{name}: the egress rules leave it no file of the package "
            f"({len(split.withheld[name])} withheld); choose another model",
        )
        for name in sorted(split.reduced)
        if kept_files.get(name, 0) == 0
    )
    return found
