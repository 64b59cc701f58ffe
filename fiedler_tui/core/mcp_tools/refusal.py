"""A tool call refused before anything was sent: a code, a message, and the reasons one by one."""

from __future__ import annotations

from typing import Any


class ToolRefusal(Exception):
    """Raised by a tool when it will not do what was asked; the front end shows it as a
    structured tool error (``code``, ``message``, ``reasons``) and nothing has been sent."""

    def __init__(self, code: str, message: str, reasons: list[str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.reasons = list(reasons or [])

    def as_dict(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "reasons": self.reasons}}

    def text(self) -> str:
        lines = [f"refused ({self.code}): {self.message}"]
        lines.extend(f"- {reason}" for reason in self.reasons)
        return "\n".join(lines)
