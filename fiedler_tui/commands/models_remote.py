"""``fiedler models --remote PROVIDER``: what the provider's models endpoint offers, set against
models.yaml (which listed models are configured, which configured ones it no longer lists)."""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from fiedler_tui.commands.context import CommandContext
from fiedler_tui.commands.table import render_table
from fiedler_tui.core.config.schema import ProviderSpec
from fiedler_tui.core.errors import KeyStoreError, UsageError
from fiedler_tui.core.http import make_async_client
from fiedler_tui.core.network import NetworkEnvironment
from fiedler_tui.core.plural import counted
from fiedler_tui.core.providers.catalog import Catalog, catalog
from fiedler_tui.core.providers.listing import ModelListing, list_models


def _provider(ctx: CommandContext, name: str) -> ProviderSpec:
    providers = ctx.config.providers
    if name not in providers:
        known = ", ".join(sorted(providers)) or "none"
        raise UsageError(f"--remote: unknown provider {name!r} (known: {known})")
    return providers[name]


async def _fetch(provider: ProviderSpec, key: str | None, trust_env: bool) -> ModelListing:
    async with make_async_client(
        connect_timeout_s=provider.connect_timeout_s,
        read_timeout_s=provider.read_timeout_s,
        providers=[provider],
        environment=NetworkEnvironment.read(trust_env=trust_env),
    ) as client:
        return await list_models(client, provider, key)


def _limit(value: int | None) -> str:
    return "–" if value is None else f"{value:,}"


def _json(provider: ProviderSpec, found: Catalog, pages: int) -> dict[str, Any]:
    return {
        "provider": provider.name,
        "base_url": provider.base_url,
        "pages": pages,
        "models": [
            {
                "id": row.model.id,
                "display_name": row.model.display_name,
                "input_token_limit": row.model.input_token_limit,
                "output_token_limit": row.model.output_token_limit,
                "configured_as": list(row.configured_as),
            }
            for row in found.rows
        ],
        "not_configured": found.not_configured,
        "configured_not_listed": [{"alias": m.name, "model": m.wire_id} for m in found.unlisted],
    }


def run_remote(args: argparse.Namespace, ctx: CommandContext) -> int:
    provider = _provider(ctx, args.remote)
    resolved = ctx.resolve_keys()[provider.name]
    if provider.requires_key and not resolved.value:
        raise KeyStoreError(resolved.help or f"no API key for {provider.name}")
    listing = asyncio.run(_fetch(provider, resolved.value, ctx.settings.trust_env))
    if listing.error is not None:
        error = listing.error
        ctx.err(f"fiedler: cannot list {provider.name}'s models: {error.title}: {error.message}")
        if args.json:
            body = {"code": str(error.code), "message": error.message, "status": error.http_status}
            ctx.out(json.dumps({"provider": provider.name, "error": body}, indent=2))
        return 1
    found = catalog(ctx.config, listing)
    if args.json:
        ctx.out(json.dumps(_json(provider, found, listing.pages), indent=2))
        return 0
    ctx.out(f"{provider.name} ({provider.base_url}): {counted(len(found.rows), 'model')} listed")
    described = any(row.model.display_name or row.model.input_token_limit for row in found.rows)
    table = [
        [
            row.model.id,
            *(
                [
                    row.model.display_name or "",
                    _limit(row.model.input_token_limit),
                    _limit(row.model.output_token_limit),
                ]
                if described
                else []
            ),
            ", ".join(row.configured_as) or "-",
        ]
        for row in found.rows
    ]
    if described:  # Anthropic and Gemini describe their models; openai-style lists give ids
        headers = ["model id", "name", "input limit", "output limit", "configured as"]
        ctx.out(render_table(headers, table, right_align={2, 3}))
    else:
        ctx.out(render_table(["model id", "configured as"], table))
    ctx.out(f"not configured: {found.not_configured} of {len(found.rows)}")
    if found.unlisted:
        ctx.out(f"configured but not listed by {provider.name} (retired, renamed or not yours):")
        for model in found.unlisted:
            ctx.out(f"  {model.name} ({model.wire_id})")
    return 0
