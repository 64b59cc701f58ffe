"""Sending a previewed package: checks, the fan-out run, and its record on disk (or in memory)."""

from fiedler_tui.core.send.recorder import RunRecorder, run_status
from fiedler_tui.core.send.session import SendSession

__all__ = ["RunRecorder", "SendSession", "run_status"]
