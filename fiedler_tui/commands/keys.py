"""``fiedler keys list|set|delete``: where each provider's key comes from; store or remove one.

A key is read from a hidden prompt (or from standard input when it is not a terminal), never from
the command line, where it would land in shell history and process listings.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys

from fiedler_tui.commands.context import CommandContext
from fiedler_tui.commands.table import render_table
from fiedler_tui.core.config.schema import ProviderSpec
from fiedler_tui.core.errors import UsageError
from fiedler_tui.core.keys import SERVICE


def _provider(ctx: CommandContext, name: str) -> ProviderSpec:
    providers = ctx.config.providers
    if name not in providers:
        known = ", ".join(sorted(providers))
        raise UsageError(f"unknown provider {name!r}; known: {known}")
    return providers[name]


def run_list(args: argparse.Namespace, ctx: CommandContext) -> int:
    resolved = ctx.resolve_keys()
    status = ctx.keystore.backend_status()
    rows = [
        {"provider": r.provider, "source": str(r.source), "origin": r.origin, "problem": r.help}
        for r in resolved.values()
    ]
    if args.json:
        backend = {"name": status.name, "usable": status.usable, "secure": status.secure}
        ctx.out(json.dumps({"keyring": backend, "providers": rows}, indent=2))
        return 0
    ctx.out(f"keyring backend: {status.name}" + (f" ({status.reason})" if status.reason else ""))
    table = [[r["provider"], r["source"], r["origin"]] for r in rows]
    ctx.out(render_table(["provider", "source", "from"], table))
    for row in rows:
        if row["problem"]:
            ctx.out(f"  {row['provider']}: {row['problem']}")
    return 0


def _read_secret(provider: str) -> str:
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(f"API key for {provider} (input hidden): ")
    line = sys.stdin.readline() if sys.stdin is not None else ""
    return line.strip()


def run_set(args: argparse.Namespace, ctx: CommandContext) -> int:
    provider = _provider(ctx, args.provider)
    if not provider.requires_key:
        ctx.out(f"provider {provider.name!r} needs no key; nothing stored")
        return 0
    value = _read_secret(provider.name)
    if not value:
        raise UsageError("no key given (type it at the prompt or pipe it on standard input)")
    ctx.keystore.set(provider, value)
    ctx.out(
        f"stored the key for {provider.name} in the keyring ({SERVICE}/{provider.keyring_name})"
    )
    return 0


def run_delete(args: argparse.Namespace, ctx: CommandContext) -> int:
    provider = _provider(ctx, args.provider)
    if ctx.keystore.delete(provider):
        ctx.out(f"deleted the key for {provider.name} from the keyring")
    else:
        ctx.out(f"the keyring held no key for {provider.name}")
    return 0
