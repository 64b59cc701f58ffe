"""The file tree lists folders in a thread: a slow file system shows "listing…", never a freeze."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.widgets import TextArea

from fiedler_tui.core.files.roots import AllowedRoots
from fiedler_tui.tui.widgets import file_picker
from fiedler_tui.tui.widgets.file_picker import FileEntry, FilePicker, FolderListing

from .test_compose import compose_screen, make_app, settle
from .test_compose import project as project


async def test_a_slow_folder_listing_does_not_freeze_the_app(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    real_list_folder = file_picker.list_folder

    def slow_list_folder(folder: FileEntry, roots: AllowedRoots) -> FolderListing:
        if folder.rel == "src":
            assert release.wait(10), "the test never released the listing"
        return real_list_folder(folder, roots)

    monkeypatch.setattr(file_picker, "list_folder", slow_list_folder)
    app = make_app(project)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = compose_screen(app)
        picker = screen.query_one(FilePicker)
        [src] = [n for n in picker.root.children[0].children if n.data and n.data.rel == "src"]
        src.expand()
        await pilot.pause()
        assert [c.label.plain for c in src.children] == ["listing…"]
        # The app keeps handling input while the folder is being listed.
        screen.query_one("#prompt", TextArea).focus()
        await pilot.press("o", "k")
        assert screen.query_one("#prompt", TextArea).text == "ok"
        release.set()
        assert src.data is not None and src.data.listed is not None
        await src.data.listed
        await pilot.pause()
        names = [c.label.plain for c in src.children]
        assert any("main.py" in n for n in names) and "listing…" not in names


async def test_reveal_waits_for_each_folder_on_the_way(project: Path) -> None:
    (project / "src" / "deep" / "er").mkdir(parents=True)
    (project / "src" / "deep" / "er" / "leaf.py").write_text("X = 1\n")
    app = make_app(project)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        picker = compose_screen(app).query_one(FilePicker)
        node = await picker.reveal(str(project / "src" / "deep" / "er" / "leaf.py"))
        assert node is not None and node.data is not None
        assert node.data.rel == "src/deep/er/leaf.py"
        assert await picker.reveal(str(project.parent / "elsewhere.py")) is None


def test_a_folder_that_cannot_be_listed_says_why(tmp_path: Path) -> None:
    roots = AllowedRoots.of([tmp_path])
    gone = FileEntry(str(tmp_path / "gone"), "gone", 0, True)
    listing = file_picker.list_folder(gone, roots)
    assert listing.entries == [] and listing.error
