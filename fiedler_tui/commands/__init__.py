"""The subcommands of ``fiedler``: one module each, registered in ``fiedler_tui.cli``.

Each module defines ``add_parser(subparsers)``, which adds its parser and sets ``handler`` to a
function ``(args: argparse.Namespace, ctx: CommandContext) -> int`` returning the exit code.
"""
