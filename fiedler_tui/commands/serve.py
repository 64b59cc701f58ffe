"""``fiedler serve``: the app in a browser, through textual-serve.

Each browser tab runs its own ``fiedler`` app process with this command's settings (``--demo``,
``--config`` and the environment). Whoever drives the app can send the user's files with the
user's keys, so the address carries a token (FIEDLER_SERVE_TOKEN, or one generated now), bound to
127.0.0.1 by default; another interface needs the token set (a generated one would have to travel
on its own).
"""

from __future__ import annotations

import argparse
import secrets

from fiedler_tui.commands.context import CommandContext
from fiedler_tui.core.errors import UsageError
from fiedler_tui.core.logs import register_secrets
from fiedler_tui.core.network.route import is_loopback


def run(args: argparse.Namespace, ctx: CommandContext) -> int:
    host: str = args.host
    token = ctx.settings.serve_token
    if not token and not is_loopback(host):
        raise UsageError(
            f"serve --host {host}: not a loopback address, so FIEDLER_SERVE_TOKEN must be set "
            "(anyone who reaches the page drives the app with your keys); set it, or serve on "
            "127.0.0.1"
        )
    token = token or secrets.token_urlsafe(24)
    register_secrets([token])
    from fiedler_tui.web.served_app import serve

    serve(
        host=host,
        port=args.port,
        token=token,
        demo=ctx.demo,
        config_path=ctx.config_path,
        announce=ctx.out,
    )
    return 0
