"""The refusal when a dry run says the package cannot be sent as it is."""

from __future__ import annotations

from collections.abc import Sequence

from fiedler_tui.core.errors import FiedlerError


class SendBlockedError(FiedlerError):
    """Over budget, over a limit or the spend cap, or unresolved secrets (exit 3)."""

    title = "Cannot send"
    exit_code = 3

    def __init__(self, blockers: Sequence[str]) -> None:
        self.problems = list(blockers)
        super().__init__("\n".join(self.problems))

    def lines(self) -> list[str]:
        return list(self.problems)
