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


async def test_space_and_a_on_git_select_nothing_and_say_why(project: Path) -> None:
    (project / ".git" / "hooks").mkdir(parents=True)
    (project / ".git" / "config").write_text('[remote "origin"]\n\turl = https://u:t@h/x\n')
    (project / ".git" / "hooks" / "pre-commit").write_text("#!/bin/sh\n")
    (project / "node_modules").mkdir()
    (project / "node_modules" / "x.js").write_text("1\n")
    (project / "cfg").symlink_to(".git/config")  # inside the roots, leading into .git
    app = make_app(project)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = compose_screen(app)
        picker = screen.query_one(FilePicker)
        for path, key in (
            (".git", "space"),
            (".git", "a"),
            (".git/config", "space"),
            (".git/hooks/pre-commit", "a"),
            ("node_modules/x.js", "space"),
            ("cfg", "space"),
        ):
            node = await picker.reveal(str(project / path))
            if path == "cfg":  # reveal resolves the link: take the link's own entry
                top = picker.root.children[0].children
                node = next(n for n in top if n.data is not None and n.data.rel == "cfg")
            assert node is not None and node.data is not None, path
            assert node.data.never is not None and node.data.never in node.label.plain, path
            await pilot.pause()
            picker.move_cursor(node)
            picker.focus()
            await pilot.press(key)
            await settle(pilot)
            assert picker.selected == set(), (path, key)
        refusals = [n.message for n in app._notifications if n.title == "Never packaged"]
        assert refusals[0] == ".git/ cannot be selected: ignored (built-in rule: .git)"
        assert refusals[2] == (
            ".git/config cannot be selected: inside .git/: ignored (built-in rule: .git)"
        )
        assert refusals[3] == (
            ".git/hooks/ cannot be selected: inside .git/: ignored (built-in rule: .git)"
        )
        assert refusals[5] == "cfg cannot be selected: inside .git/: ignored (built-in rule: .git)"
        assert len(refusals) == 6
        # The whole project, selected with `a`, brings in nothing from .git either.
        root = picker.root.children[0]
        picker.move_cursor(root)
        await pilot.press("a")
        await settle(pilot)
        assert picker.selected and not any("/.git/" in p for p in picker.selected)
        assert screen.result is not None
        packaged = {f.path.split("/")[0] for f in screen.result.preview.files}
        assert packaged == {".gitignore", "README.md", "big.txt", "settings.py", "src"}
