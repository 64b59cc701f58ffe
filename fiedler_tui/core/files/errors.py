"""Errors of file selection: a path that may not be used, a package limit crossed."""

from __future__ import annotations

from collections.abc import Sequence

from fiedler_tui.core.errors import FiedlerError


class PathRefusedError(FiedlerError):
    """A path named by the user is missing or lies outside the allowed roots (exit 2)."""

    title = "Path refused"
    exit_code = 2

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))

    def lines(self) -> list[str]:
        return list(self.problems)


class LimitExceededError(FiedlerError):
    """The selection crossed a package limit (exit 3); the message names limit, value and path."""

    title = "Package limit crossed"
    exit_code = 3
