"""The error a follow-up that cannot be sent raises (nothing was sent)."""

from __future__ import annotations

from fiedler_tui.core.errors import FiedlerError


class FollowUpRefused(FiedlerError):
    """The follow-up cannot be sent as asked; nothing was sent."""

    title = "Cannot follow up"
    exit_code = 3
