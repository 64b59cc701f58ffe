"""Tools that refuse arguments their input schema rules out, with fiedler's structured refusal.

The SDK builds each tool's argument model from the function's signature and lets extra fields
through (they are dropped silently). :func:`strict_tool` builds the SDK's own :class:`Tool`
and gives it the same model with ``extra="forbid"``, so the published input schema says
``additionalProperties: false``; :class:`StrictTool` checks a call's arguments against that
model before the SDK runs the tool, and answers what it rules out (an unknown argument, a value
of the wrong type or out of range) with a ``bad-argument`` tool error, one reason per argument
(nothing run), instead of the SDK's own validation text. :class:`StrictTools` collects them
for ``MCPServer(tools=...)``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from mcp.server.mcpserver.tools import Tool
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase
from mcp.types import ToolAnnotations
from pydantic import ConfigDict, ValidationError

from fiedler_tui.mcp.argument_errors import argument_refusal
from fiedler_tui.mcp.results import refusal_result

if TYPE_CHECKING:
    from mcp.server.mcpserver import Context

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])


class StrictTool(Tool):
    """A tool whose arguments are checked against its input schema, extra ones included,
    before it runs; what the schema rules out is a structured ``bad-argument`` tool error."""

    async def run(
        self,
        arguments: dict[str, Any],
        context: Context[Any, Any],
        convert_result: bool = False,
    ) -> Any:
        try:
            self.fn_metadata.validate_arguments(arguments)
        except ValidationError as exc:
            refusal = argument_refusal(self.name, exc, arguments, self.parameters)
            log.info("%s refused its arguments: %r", self.name, refusal.message)
            return refusal_result(refusal)
        return await super().run(arguments, context, convert_result)


def _forbidding_extras(model: type[ArgModelBase]) -> type[ArgModelBase]:
    """``model`` refusing fields it does not declare (same name, so the same schema title)."""
    config = ConfigDict(extra="forbid")
    return cast(
        type[ArgModelBase],
        type(model.__name__, (model,), {"model_config": config, "__module__": model.__module__}),
    )


def strict_tool(fn: Callable[..., Any], **options: Any) -> StrictTool:
    """The SDK's tool for ``fn`` (``options`` as for ``MCPServer.tool``), made strict."""
    tool = cast(StrictTool, StrictTool.from_function(fn, **options))
    strict = _forbidding_extras(tool.fn_metadata.arg_model)
    tool.fn_metadata = tool.fn_metadata.model_copy(update={"arg_model": strict})
    tool.parameters = strict.model_json_schema(by_alias=True)
    return tool


class StrictTools:
    """The server's tools, registered with :meth:`tool` like ``MCPServer.tool`` and handed to
    ``MCPServer(tools=...)``."""

    def __init__(self) -> None:
        self.tools: list[Tool] = []

    def tool(self, *, description: str, annotations: ToolAnnotations) -> Callable[[F], F]:
        def register(fn: F) -> F:
            self.tools.append(strict_tool(fn, description=description, annotations=annotations))
            return fn

        return register
