"""Entry point of the ``fiedler`` command: parse arguments, dispatch, turn errors into lines.

No traceback ever reaches the user: known errors print one line per problem with their exit code,
anything unexpected prints one line and leaves the traceback in the log file. Every line, argparse's
usage and errors included, goes through :func:`write_line`: controls escaped, and a reader that
has gone (``fiedler runs | head -1``) silences the output instead of failing the command.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import signal
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NoReturn, TextIO, cast

from fiedler_tui import __version__
from fiedler_tui.commands.arguments import add_commands
from fiedler_tui.commands.context import CommandContext
from fiedler_tui.commands.terminal_output import flush_quietly, silence, write_line
from fiedler_tui.core.errors import FiedlerError, UsageError
from fiedler_tui.core.logs import setup_logging
from fiedler_tui.core.settings import Settings

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

log = logging.getLogger(__name__)

Handler = Callable[[argparse.Namespace, CommandContext], int]


class Parser(argparse.ArgumentParser):
    """argparse's parser, printing through :func:`write_line` (an argument may be a file name
    holding terminal controls: ``unrecognized arguments: ...`` shows them escaped)."""

    def print_usage(self, file: SupportsWrite[str] | None = None) -> None:
        self._write(self.format_usage(), file or sys.stdout)

    def print_help(self, file: SupportsWrite[str] | None = None) -> None:
        self._write(self.format_help(), file or sys.stdout)

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            self._write(message, sys.stderr)
        sys.exit(status)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")

    @staticmethod
    def _write(text: str, stream: SupportsWrite[str]) -> None:
        write_line(cast(TextIO, stream), text.removesuffix("\n"))


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="fiedler",
        description="Send one prompt and a package of files to several LLMs at once.",
    )
    parser.add_argument("--version", action="version", version=f"fiedler {__version__}")
    parser.add_argument("--config", metavar="PATH", help="models.yaml to use")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="simulated models instead of models.yaml, for the app and every command "
        "(no keys, no network)",
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


def report(line: str) -> None:
    """One line for the user on standard error, prefixed with the program's name."""
    write_line(sys.stderr, f"fiedler: {line}")


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    finally:  # output still buffered for a reader that has gone is dropped, not an error at exit
        flush_quietly(sys.stdout)
        flush_quietly(sys.stderr)


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    ctx: CommandContext | None = None
    try:
        if args.demo and args.config:
            raise UsageError("--demo uses its own simulated models; leave out --config")
        # doctor reports settings.toml's errors instead of stopping on them
        settings = Settings.load(tolerate_file_errors=args.command == "doctor")
        setup_logging(settings)
        ctx = CommandContext(settings=settings, config_path=args.config, demo=args.demo)
        if getattr(args, "model", None):  # -m @NAME: a saved model set's models
            from fiedler_tui.core.model_sets import expand_model_names

            args.model = expand_model_names(args.model)
        handler = getattr(args, "handler", None)
        if handler is None:
            return run_app(ctx, demo=args.demo)
        return int(load_handler(handler)(args, ctx))
    except FiedlerError as exc:
        for line in exc.lines():
            report(line)
        return exc.exit_code
    except KeyboardInterrupt:
        report("interrupted")
        return 130
    except BrokenPipeError:  # a write not made through write_line found its reader gone
        silence(sys.stdout)
        return 128 + signal.SIGPIPE
    except Exception as exc:  # the last line of defence: never a traceback on screen
        log.exception("unexpected error")
        report(f"internal error: {type(exc).__name__}: {exc} (details in the log file)")
        return 1
    finally:
        if ctx is not None:
            ctx.close()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
