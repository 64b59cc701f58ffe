"""Drive a program in a real terminal: tmux on a private socket, send-keys and capture-pane.

Used by the real-terminal test and by the first-paint benchmark. Each session gets its own tmux
server (``-L``), so a user's own tmux is never touched.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Mapping, Sequence
from types import TracebackType


def tmux_available() -> bool:
    return shutil.which("tmux") is not None


class TmuxSession:
    """One program running in a detached tmux pane of a fixed size."""

    def __init__(
        self,
        command: Sequence[str],
        *,
        size: tuple[int, int] = (120, 36),
        env: Mapping[str, str] | None = None,
        cwd: str | None = None,
    ) -> None:
        self.socket = f"fiedler-{uuid.uuid4().hex[:10]}"
        self.name = "main"
        self.command = list(command)
        self.size = size
        self.env = dict(os.environ if env is None else env)
        self.env.setdefault("TERM", "xterm-256color")
        self.cwd = cwd

    def _tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args],
            capture_output=True,
            text=True,
            check=check,
            env=self.env,
            cwd=self.cwd,
            timeout=30,
        )

    def start(self) -> TmuxSession:
        width, height = self.size
        shell_command = " ".join(shlex.quote(part) for part in self.command)
        self._tmux(
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            self.name,
            "-x",
            str(width),
            "-y",
            str(height),
            shell_command,
        )
        self._tmux("set-option", "-t", self.name, "remain-on-exit", "on", check=False)
        return self

    def send(self, *keys: str) -> None:
        """tmux key names (``Enter``, ``Space``, ``F2``, ``C-c``) or literal text."""
        for key in keys:
            self._tmux("send-keys", "-t", self.name, key)

    def type(self, text: str) -> None:
        self._tmux("send-keys", "-t", self.name, "-l", text)

    def capture(self) -> str:
        result = self._tmux("capture-pane", "-p", "-t", self.name, check=False)
        return result.stdout

    def wait_for(self, text: str, timeout_s: float = 20.0, interval_s: float = 0.02) -> float:
        """Seconds until ``text`` appears on screen; TimeoutError with the screen if it never does."""
        start = time.monotonic()
        while True:
            if text in self.capture():
                return time.monotonic() - start
            if time.monotonic() - start > timeout_s:
                raise TimeoutError(f"{text!r} not on screen after {timeout_s} s:\n{self.capture()}")
            time.sleep(interval_s)

    def wait_until_gone(self, text: str, timeout_s: float = 20.0, interval_s: float = 0.02) -> None:
        """Return once ``text`` is no longer on screen; TimeoutError with the screen otherwise."""
        start = time.monotonic()
        while text in self.capture():
            if time.monotonic() - start > timeout_s:
                raise TimeoutError(
                    f"{text!r} still on screen after {timeout_s} s:\n{self.capture()}"
                )
            time.sleep(interval_s)

    def close(self) -> None:
        self._tmux("kill-server", check=False)

    def __enter__(self) -> TmuxSession:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
