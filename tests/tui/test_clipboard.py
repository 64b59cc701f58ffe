"""Copy in Review: the text is sent to the terminal (OSC 52, never known to arrive) and also
written to a private file whose path is shown."""

from __future__ import annotations

import stat
from pathlib import Path

from fiedler_tui.tui.clipboard import clipboard_path
from fiedler_tui.tui.screens.review import ReviewScreen

from .test_compose import make_app, settle
from .test_review import summary


async def test_copy_says_it_was_sent_and_writes_a_file_to_fall_back_on(tmp_path: Path) -> None:
    texts = {"alpha": "answer from alpha\n[b]not markup[/b]\n", "beta": "B"}
    app = make_app(tmp_path, start=lambda: ReviewScreen(summary(*texts), texts))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert app.clipboard == texts["alpha"]  # the request the terminal was sent
        path = clipboard_path()
        assert path.read_text() == texts["alpha"]
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        [note] = [n for n in app._notifications if n.title == "Copy"]
        assert "copied" not in note.message
        assert note.message.startswith("sent the output of alpha (36 chars) to the terminal's")
        assert "set-clipboard on" in note.message
        assert note.message.endswith(f"if pasting gives nothing, it is also in {path}")


async def test_without_disk_nothing_is_written_and_the_message_says_so(tmp_path: Path) -> None:
    texts = {"alpha": "A"}
    app = make_app(tmp_path, start=lambda: ReviewScreen(summary(*texts), texts), no_disk=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert app.clipboard == "A"
        assert not clipboard_path().exists()
        [note] = [n for n in app._notifications if n.title == "Copy"]
        assert "FIEDLER_NO_DISK=1: no copy written to a file" in note.message


async def test_copying_the_folder_shows_the_path_itself(tmp_path: Path) -> None:
    texts = {"alpha": "A"}
    folder = tmp_path / "runs" / "20261101-100000-abcdef"
    app = make_app(tmp_path, start=lambda: ReviewScreen(summary(*texts), texts, folder))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert app.clipboard == str(folder)
        [note] = [n for n in app._notifications if n.title == "Copy"]
        assert note.message.startswith("sent the run folder's path to the terminal's clipboard")
        assert note.message.endswith(f":\n{folder}")
        assert not clipboard_path().exists()
