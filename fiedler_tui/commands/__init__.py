"""The subcommands of ``fiedler``: their arguments in ``arguments``, one module each to run them.

A handler is a function ``(args: argparse.Namespace, ctx: CommandContext) -> int`` returning the
exit code, named in ``arguments`` as ``"module:function"``.
"""
