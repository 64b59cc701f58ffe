"""The check every path that sends a package makes before anything leaves the machine.

``ensure_egress_allowed`` judges each model against the files of the package that model is
about to receive, with the rules of the config in use, and refuses (``SendBlockedError``, exit 3)
naming the model, the files and the deciding rules. Send, crosstalk, the MCP tools, follow-ups
and batch jobs call it, whatever their dry run said.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from fiedler_tui.core.budget.blockers import Blocker
from fiedler_tui.core.budget.egress_split import egress_blocker
from fiedler_tui.core.budget.errors import SendBlockedError
from fiedler_tui.core.config.schema import Config
from fiedler_tui.core.egress.decisions import PackagedPath, withheld_files
from fiedler_tui.core.egress.policy import EgressPolicy
from fiedler_tui.core.files.roots import AllowedRoots
from fiedler_tui.core.settings import Settings

_POLICIES: dict[tuple[int, tuple[str, ...]], tuple[Config, EgressPolicy]] = {}
"""Policies compiled, by config and roots: each keeps its verdicts across previews."""


def policy_of(config: Config, settings: Settings) -> EgressPolicy:
    """The egress rules of ``config``, relative rules matched inside ``settings``' roots."""
    roots = AllowedRoots.from_settings(settings).roots
    key = (id(config), roots)
    held = _POLICIES.get(key)
    if held is not None and held[0] is config:
        return held[1]
    policy = EgressPolicy.of(config, roots)
    if len(_POLICIES) >= 8:
        _POLICIES.clear()
    _POLICIES[key] = (config, policy)
    return policy


def ensure_egress_allowed(
    config: Config, settings: Settings, sends: Iterable[tuple[str, Sequence[PackagedPath]]]
) -> None:
    """Refuse unless each model may receive every file of its package. ``sends``: (model name
    or alias, the files of the package that model would receive)."""
    policy = policy_of(config, settings)
    if not policy.active:
        return
    found: list[Blocker] = []
    for alias, files in sends:
        withheld = withheld_files(policy, config.resolve(alias), files)
        if withheld:
            found.append(egress_blocker(alias, withheld))
    if found:
        raise SendBlockedError(found)
