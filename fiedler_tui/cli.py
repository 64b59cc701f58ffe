"""Entry point of the ``fiedler`` command: parse arguments, dispatch, turn errors into lines.

No traceback ever reaches the user: known errors print one line per problem with their exit code,
anything unexpected prints one line and leaves the traceback in the log file.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence

from fiedler_tui import __version__
from fiedler_tui.commands.arguments import add_commands
from fiedler_tui.commands.context import CommandContext
from fiedler_tui.core.errors import FiedlerError, UsageError
from fiedler_tui.core.logs import setup_logging
from fiedler_tui.core.settings import Settings

log = logging.getLogger(__name__)

Handler = Callable[[argparse.Namespace, CommandContext], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fiedler",
        description="Send one prompt and a package of files to several LLMs at once.",
    )
    parser.add_argument("--version", action="version", version=f"fiedler {__version__}")
    parser.add_argument("--config", metavar="PATH", help="models.yaml to use")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the app with simulated models (no keys, no network)",
    )
    add_commands(parser.add_subparsers(dest="command", metavar="COMMAND"))
    return parser


def load_handler(name: str) -> Handler:
    """The function a subcommand names as ``"module:function"``, imported now."""
    module_name, _, function = name.partition(":")
    module = importlib.import_module(f"fiedler_tui.commands.{module_name}")
    handler: Handler = getattr(module, function)
    return handler


def run_app(ctx: CommandContext, *, demo: bool) -> int:
    """Open the terminal UI (imported here: the headless commands never load Textual)."""
    from fiedler_tui.tui import startup_gc

    startup_gc.pause()  # until the first frame: see startup_gc
    try:
        from fiedler_tui.tui.app import FiedlerApp

        # The app reads models.yaml (the demo makes its own) after its first frame, and shows
        # any problem with it.
        app = FiedlerApp(settings=ctx.settings, config_path=ctx.config_path, demo=demo)
        app.run()
    finally:
        startup_gc.resume()  # if the app ended before its first frame
    return int(app.return_code or 0)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        setup_logging(settings)
        ctx = CommandContext(settings=settings, config_path=args.config)
        handler = getattr(args, "handler", None)
        if handler is None:
            return run_app(ctx, demo=args.demo)
        if args.demo:
            raise UsageError("--demo opens the app; use it without a command")
        return int(load_handler(handler)(args, ctx))
    except FiedlerError as exc:
        for line in exc.lines():
            print(f"fiedler: {line}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("fiedler: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the last line of defence: never a traceback on screen
        log.exception("unexpected error")
        print(
            f"fiedler: internal error: {type(exc).__name__}: {exc} (details in the log file)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
