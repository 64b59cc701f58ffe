"""The refusal when a dry run says the package cannot be sent as it is."""

from __future__ import annotations

from collections.abc import Sequence

from fiedler_tui.core.budget.blockers import Blocker
from fiedler_tui.core.errors import FiedlerError


class SendBlockedError(FiedlerError):
    """Over budget, over a limit or the spend cap, unresolved secrets, a missing key, an empty
    prompt or package, a named file that cannot be packaged (exit 3)."""

    title = "Cannot send"
    exit_code = 3

    def __init__(self, blockers: Sequence[Blocker | str]) -> None:
        self.blockers = tuple(b for b in blockers if isinstance(b, Blocker))
        """The blockers as judged (kinds, providers), for a front end that phrases fixes."""
        self.problems = [str(b) for b in blockers]
        super().__init__("\n".join(self.problems))

    def lines(self) -> list[str]:
        return list(self.problems)
