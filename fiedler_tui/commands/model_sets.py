"""``fiedler sets``: the named model sets used as ``-m @NAME``; list, save, delete."""

from __future__ import annotations

import argparse
import json

from fiedler_tui.commands.context import CommandContext
from fiedler_tui.commands.table import render_table
from fiedler_tui.core.config.model_names import model_names
from fiedler_tui.core.errors import UsageError
from fiedler_tui.core.model_sets import (
    ModelSetError,
    delete_model_set,
    load_model_sets,
    model_sets_path,
    save_model_set,
)


def run_list(args: argparse.Namespace, ctx: CommandContext) -> int:
    sets = load_model_sets()
    if args.json:
        ctx.out(json.dumps({"file": str(model_sets_path()), "sets": sets}, indent=2))
        return 0
    if not sets:
        ctx.out(f"no model sets saved yet ({model_sets_path()})")
        return 0
    rows = [[f"@{name}", ", ".join(models)] for name, models in sorted(sets.items())]
    ctx.out(render_table(["set", "models"], rows))
    return 0


def run_save(args: argparse.Namespace, ctx: CommandContext) -> int:
    """Save the models named with -m (each checked against models.yaml) as the set NAME."""
    if not args.model:
        raise UsageError("name the set's models with -m ALIAS (repeatable)")
    names = model_names(ctx.config, args.model)
    path = save_model_set(args.name, names)
    ctx.err(f"saved @{args.name.removeprefix('@')}: {', '.join(dict.fromkeys(names))} in {path}")
    return 0


def run_delete(args: argparse.Namespace, ctx: CommandContext) -> int:
    if not delete_model_set(args.name):
        raise ModelSetError(f"no model set {args.name!r} to delete")
    ctx.err(f"deleted @{args.name.removeprefix('@')}")
    return 0
