"""The egress rules as the command line shows them: the rules in effect, what each model may not
receive (refused, or its reduced package), and ``dry-run --explain PATH``."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from fiedler_tui.commands.context import CommandContext
from fiedler_tui.core.budget import DryRunResult
from fiedler_tui.core.config.schema import ModelSpec
from fiedler_tui.core.egress.decisions import Explanation, explain
from fiedler_tui.core.egress.guard import policy_of
from fiedler_tui.core.files.names import display_name
from fiedler_tui.core.files.roots import AllowedRoots
from fiedler_tui.core.plural import counted

Explained = list[tuple[str, Explanation, bool]]
"""(path as given, its explanation, whether it lies inside the allowed roots)."""


def explain_paths(
    paths: Sequence[str], models: Sequence[ModelSpec], ctx: CommandContext
) -> Explained:
    """For each of ``paths`` (resolved against the current folder), what decides for it."""
    if not paths:
        return []
    policy = policy_of(ctx.config, ctx.settings)
    roots = AllowedRoots.from_settings(ctx.settings)
    found: Explained = []
    for path in paths:
        real = os.path.realpath(os.path.expanduser(path))
        found.append((path, explain(policy, real, models), roots.locate(real) is not None))
    return found


def explained_json(explained: Explained) -> dict[str, Any]:
    if not explained:
        return {}
    return {
        "explain": [
            {
                "path": path,
                "inside_roots": inside,
                "decided_by": e.reason,
                "models": dict(e.allowed),
            }
            for path, e, inside in explained
        ]
    }


def print_egress(result: DryRunResult, explained: Explained, ctx: CommandContext) -> None:
    """The rules in effect (when they matter here), each model's withheld files, explanations."""
    if result.withheld or explained:
        ctx.out()
        ctx.out("egress rules:")
        for line in result.egress_rules:
            ctx.out(f"  {line}")
    for name, withheld in result.withheld.items():
        package = result.packages.get(name)
        if package is None:
            ctx.out(f"egress: {name} may not receive {counted(len(withheld), 'file')}: refused")
        else:
            ctx.out(
                f"egress: {name} gets a reduced package: {counted(len(package.files), 'file')}, "
                f"{package.bytes:,} bytes ({len(withheld)} withheld)"
            )
        for w in withheld:
            ctx.out(f"  {display_name(w.path)}: {w.reason}")
    for path, e, inside in explained:
        ctx.out()
        where = "" if inside else " (outside the allowed roots: never packaged)"
        ctx.out(f"explain {display_name(path)}{where}: {e.reason}")
        for name, allowed in e.allowed.items():
            ctx.out(f"  {name}: {'may receive it' if allowed else 'may NOT receive it'}")
