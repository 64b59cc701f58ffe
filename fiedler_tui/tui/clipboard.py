"""Copying through the terminal, with a private file to fall back on.

The app can only ask the terminal to set the clipboard (an OSC 52 request); whether it did is
never known: tmux drops the request unless its ``set-clipboard`` option is on, and some
terminals refuse it. So the app says the text was *sent* to the terminal, and also writes it to
an owner-only file (``clipboard.txt`` in fiedler's state folder) whose path it shows; with
``FIEDLER_NO_DISK=1`` nothing is written and the message says so.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from textual.app import App

from fiedler_tui.core.locations import user_state_dir
from fiedler_tui.core.store.private_files import fsync_dir, make_private_dir, open_private

CLIPBOARD_FILE = "clipboard.txt"
TMUX_HINT = "tmux passes it on only with `set -g set-clipboard on`"


def clipboard_path() -> Path:
    """Where copied text is also written."""
    return user_state_dir() / CLIPBOARD_FILE


def write_private_text(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` as an owner-only file (temp file, then rename)."""
    make_private_dir(path.parent)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = open_private(temp)
    try:
        view = memoryview(text.encode("utf-8", errors="surrogateescape"))
        while view:
            view = view[os.write(fd, view) :]
    except BaseException:
        os.close(fd)
        temp.unlink(missing_ok=True)
        raise
    os.close(fd)
    try:
        os.replace(temp, path)
    except OSError:
        temp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def send_to_clipboard(app: App[Any], text: str, what: str, *, shown: bool = False) -> None:
    """Ask the terminal to put ``text`` (``what`` names it) on the clipboard, and write it to
    :func:`clipboard_path` in a thread; the notification says where it can be found.

    ``shown``: the text is short and shown in the message itself (a path), so no file is written.
    """
    app.copy_to_clipboard(text)
    if shown:
        app.notify(f"sent {what} to the terminal's clipboard ({TMUX_HINT}):\n{text}", title="Copy")
        return
    sent = f"sent {what} ({len(text):,} chars) to the terminal's clipboard ({TMUX_HINT})"
    settings = getattr(app, "settings", None)
    if getattr(settings, "no_disk", False):
        app.notify(
            f"{sent}; FIEDLER_NO_DISK=1: no copy written to a file", title="Copy", timeout=10
        )
        return

    def write() -> None:
        path = clipboard_path()
        try:
            write_private_text(path, text)
        except OSError as exc:
            message = f"{sent}; could not write it to {path}: {exc.strerror or exc}"
            app.call_from_thread(app.notify, message, title="Copy", severity="warning", timeout=10)
            return
        message = f"{sent}; if pasting gives nothing, it is also in {path}"
        app.call_from_thread(app.notify, message, title="Copy", timeout=10)

    app.run_worker(write, thread=True, group="clipboard", exit_on_error=False)
