"""``fiedler mcp``: the core's tools served over MCP (stdio or streamable HTTP).

This package only presents: every check and every action is in ``fiedler_tui.core.mcp_tools``.
It imports the ``mcp`` SDK, so it is imported only by the ``mcp`` command.
"""
