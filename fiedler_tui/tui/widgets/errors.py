"""Turning an exception into a notification: title and message, never a traceback."""

from __future__ import annotations

from textual.widget import Widget

from fiedler_tui.core.errors import FiedlerError
from fiedler_tui.tui.safe_text import visible


def describe_error(error: BaseException) -> tuple[str, str]:
    """(title, message) for the user: a FiedlerError's own, else the type and its text."""
    if isinstance(error, FiedlerError):
        return error.title, "\n".join(error.lines())
    if isinstance(error, OSError):
        where = f" ({error.filename})" if error.filename else ""
        return "File system error", f"{error.strerror or error}{where}"
    text = str(error) or error.__class__.__name__
    return "Unexpected error", f"{error.__class__.__name__}: {text}"


def notify_error(node: Widget, error: BaseException, doing: str) -> None:
    """Show ``error`` as an error notification saying what failed (``doing``)."""
    title, message = describe_error(error)
    node.notify(
        visible(f"{doing}: {message}"),
        title=visible(title),
        severity="error",
        timeout=10,
        markup=False,
    )
