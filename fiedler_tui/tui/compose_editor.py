"""Compose's ctrl+e: the prompt opened in ``$VISUAL`` (else ``$EDITOR``), the app suspended
meanwhile, and the edited text taken back.

The prompt goes to an owner-only temporary file (``fiedler-prompt-*.md``), deleted once read.
No editor set, an editor that cannot be started or exits with an error, a file that is no longer
UTF-8, ``FIEDLER_NO_DISK=1`` (nothing may be written), or an app that cannot hand the terminal
over (in a browser) each leave the prompt as it was and say why in a notification.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import SuspendNotSupported
from textual.widgets import TextArea

if TYPE_CHECKING:
    from fiedler_tui.tui.screens.compose import ComposeScreen

EDITOR_VARIABLES = ("VISUAL", "EDITOR")
TITLE = "Editor"


def editor_command(env: Mapping[str, str] | None = None) -> tuple[list[str], str] | None:
    """The editor's command line and the variable it came from, or None when neither is set."""
    env = os.environ if env is None else env
    for name in EDITOR_VARIABLES:
        raw = env.get(name, "").strip()
        if raw:
            try:
                return shlex.split(raw), name
            except ValueError:
                return [raw], name
    return None


def edit_prompt(screen: ComposeScreen) -> None:
    """Open the prompt in the editor and put what it saved back into the prompt."""
    found = editor_command()
    if found is None:
        _say(screen, "no editor set: set $VISUAL or $EDITOR (e.g. export EDITOR=nano) first")
        return
    if screen.host.settings.no_disk:
        _say(screen, "FIEDLER_NO_DISK=1: the prompt is not written to a file for an editor")
        return
    command, variable = found
    prompt = screen.query_one("#prompt", TextArea)
    original = prompt.text
    handle, name = tempfile.mkstemp(prefix="fiedler-prompt-", suffix=".md")
    path = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(original)
        problem = _run(screen, [*command, str(path)], variable)
        if problem is None:
            edited, problem = _read(path)
    finally:
        path.unlink(missing_ok=True)
    if problem is not None:
        _say(screen, f"{problem}; the prompt is unchanged")
        return
    if not original.endswith("\n") and edited.endswith("\n"):
        edited = edited[:-1]  # the newline editors add at the end of the file
    if edited != original:
        prompt.load_text(edited)
        prompt.move_cursor(prompt.document.end)
    prompt.focus()


def _run(screen: ComposeScreen, command: list[str], variable: str) -> str | None:
    """Run the editor with the terminal handed over; why it did not work, or None."""
    shown = f"${variable} ({shlex.join(command[:-1])})"
    try:
        with screen.app.suspend():
            finished = subprocess.run(command, check=False)
    except SuspendNotSupported:
        return "an editor cannot be opened here: there is no terminal to hand over"
    except FileNotFoundError:
        return f"the editor of {shown} was not found"
    except OSError as exc:
        return f"the editor of {shown} could not start: {exc.strerror or exc}"
    if finished.returncode != 0:
        return f"the editor of {shown} exited with code {finished.returncode}"
    return None


def _read(path: Path) -> tuple[str, str | None]:
    try:
        return path.read_bytes().decode("utf-8"), None
    except UnicodeDecodeError:
        return "", "the edited file is not UTF-8 text"
    except OSError as exc:
        return "", f"the edited file cannot be read: {exc.strerror or exc}"


def _say(screen: ComposeScreen, message: str) -> None:
    screen.notify(message, title=TITLE, severity="warning", markup=False)
