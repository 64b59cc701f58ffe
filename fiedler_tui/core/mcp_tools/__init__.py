"""The MCP server's tools, front-end free: build a dry run from tool arguments, send, list.

The server module (``fiedler_tui.mcp``) only presents what :class:`FiedlerTools` returns; the
checks are the CLI's own (``core.budget``), plus what MCP mode adds: files only inside roots set
explicitly (``FIEDLER_ALLOWED_FILE_ROOTS``), secrets sent only when the server allows it, and a
per-call spending cap.
"""

from fiedler_tui.core.mcp_tools.arguments import SECRET_POLICIES, ToolArguments
from fiedler_tui.core.mcp_tools.refusal import ToolRefusal
from fiedler_tui.core.mcp_tools.results import ModelError, ModelResult, RunResult
from fiedler_tui.core.mcp_tools.service import FiedlerTools, McpOptions

__all__ = [
    "SECRET_POLICIES",
    "FiedlerTools",
    "McpOptions",
    "ModelError",
    "ModelResult",
    "RunResult",
    "ToolArguments",
    "ToolRefusal",
]
