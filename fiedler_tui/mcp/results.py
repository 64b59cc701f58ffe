"""Tool results as MCP wants them: structured content plus the same as text."""

from __future__ import annotations

import json
from typing import Any

from mcp.types import CallToolResult, TextContent

from fiedler_tui.core.mcp_tools import RunResult, ToolRefusal
from fiedler_tui.core.mcp_tools.crosstalk_result import (
    DeliberationResult,
    SavedRunResult,
    deliberation_text,
)
from fiedler_tui.core.mcp_tools.results import result_text


def data_result(data: dict[str, Any]) -> CallToolResult:
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=data)


def run_result(result: RunResult) -> CallToolResult:
    text = result_text(result)
    if isinstance(result, SavedRunResult) and result.deliberation is not None:
        text += "\n\n" + deliberation_text(result.deliberation)
    return CallToolResult(
        content=[TextContent(type="text", text=text)],
        structured_content=result.model_dump(mode="json"),
    )


def deliberation_result(result: DeliberationResult) -> CallToolResult:
    return CallToolResult(
        content=[TextContent(type="text", text=deliberation_text(result))],
        structured_content=result.model_dump(mode="json"),
    )


def refusal_result(refusal: ToolRefusal) -> CallToolResult:
    """A structured tool error (``isError``): nothing was sent."""
    return CallToolResult(
        content=[TextContent(type="text", text=refusal.text())],
        structured_content=refusal.as_dict(),
        is_error=True,
    )
