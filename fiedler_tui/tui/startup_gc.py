"""Garbage collection held off while the app starts, and what startup made frozen afterwards.

Starting the app (importing Textual and the screens, parsing the stylesheets, building the first
screen) allocates a few hundred thousand objects and frees almost none, yet the cyclic collector
scans them again and again: about 40 ms of a 430 ms first frame (see "First paint" in
``bench/README.md``). The entry point pauses collection just before it imports the app; the app
resumes it after its first frame and freezes (``gc.freeze``) what startup made, so the first full
collections (while the user types and previews) do not scan it all again. The Run screen freezes
for its run in the same way and thaws everything when it closes.

Only the entry point pauses: an app started any other way (tests run many in one process) never
freezes, since a frozen object that later becomes cyclic garbage is never collected.
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    """Stop cyclic collection until :func:`resume` (refcounting still frees most objects)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Freeze what exists now and collect again, if :func:`pause` stopped collection."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def is_paused() -> bool:
    return _paused
