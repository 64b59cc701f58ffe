"""Tool arguments the input schema rules out, told as a ``bad-argument`` refusal: each unknown
argument named with the tool's own (and the closest one, when one is close)."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from fiedler_tui.core.mcp_tools import ToolRefusal


def _top_field(error: ErrorDetails) -> str:
    return str(error["loc"][0]) if error["loc"] else ""


def unknown_arguments(exc: ValidationError) -> list[str]:
    """The arguments the call gave that the tool does not take, in the order given."""
    return [_top_field(e) for e in exc.errors() if e["type"] == "extra_forbidden"]


def unknown_reason(name: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"{name!r}: unknown argument{hint}"


def unknown_refusal(tool: str, unknown: Sequence[str], known: Sequence[str]) -> ToolRefusal:
    """``bad-argument`` naming the unknown arguments and the ones ``tool`` takes."""
    takes = ", ".join(known) if known else "no arguments"
    names = ", ".join(repr(name) for name in unknown)
    plural = "s" if len(unknown) > 1 else ""
    message = f"{tool} does not take the argument{plural} {names}; it takes: {takes}"
    return ToolRefusal("bad-argument", message, [unknown_reason(n, known) for n in unknown])
