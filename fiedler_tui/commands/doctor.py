"""``fiedler doctor``: is this machine ready? One line per check: OK, WARN or FAIL, with a fix."""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from fiedler_tui.commands.context import CommandContext
from fiedler_tui.core.errors import ConfigError
from fiedler_tui.core.keys import STRICT_VARIABLE, KeySource

Status = Literal["OK", "WARN", "FAIL"]


@dataclass(frozen=True)
class Check:
    status: Status
    name: str
    detail: str
    fix: str = ""


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("doctor", help="check config, keys, folders and tokenizers")
    parser.add_argument("--json", action="store_true", help="print JSON instead of lines")
    parser.set_defaults(handler=run)


def check_config(ctx: CommandContext) -> Iterator[Check]:
    try:
        config = ctx.config
    except ConfigError as exc:
        yield Check("FAIL", "config", f"{len(exc.problems)} problem(s)", "; ".join(exc.problems))
        return
    yield Check(
        "OK",
        "config",
        f"{config.source}: {len(config.providers)} providers, {len(config.models)} models",
    )


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


def _writable(folder: Path) -> str | None:
    """None when a private file can be created in ``folder`` (created if needed), else why not."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-"):
            pass
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def check_output_dir(ctx: CommandContext) -> Iterator[Check]:
    settings = ctx.settings
    if settings.no_disk:
        yield Check("OK", "output dir", "FIEDLER_NO_DISK=1: runs are not saved")
        return
    problem = _writable(settings.output_dir)
    if problem is None:
        yield Check("OK", "output dir", f"{settings.output_dir} writable")
    else:
        yield Check(
            "FAIL",
            "output dir",
            f"{settings.output_dir}: {problem}",
            "set FIEDLER_OUTPUT_DIR to a writable folder, or FIEDLER_NO_DISK=1",
        )


def check_log_file(ctx: CommandContext) -> Iterator[Check]:
    log_file = ctx.settings.log_file
    problem = _writable(log_file.parent)
    if problem is None and (not log_file.exists() or os.access(log_file, os.W_OK)):
        yield Check("OK", "log file", str(log_file))
    else:
        yield Check(
            "WARN",
            "log file",
            f"{log_file}: {problem or 'not writable'}",
            "set FIEDLER_LOG_FILE to a writable path",
        )


CHECKS: tuple[Callable[[CommandContext], Iterator[Check]], ...] = (
    check_config,
    check_settings,
    check_keyring,
    check_keys,
    check_output_dir,
    check_log_file,
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
