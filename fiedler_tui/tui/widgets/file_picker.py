"""A file tree limited to the allowed roots, with multi-select.

Folders are listed when first expanded, in a thread (a slow or network file system never freezes
the app; a folder shows "listing…" meanwhile). Entries the folder expansion would leave out
(built-in ignores, ``.gitignore`` rules, symlinks leading outside the roots) are shown dimmed
with the reason; files the dry run skipped (binary, too large, ...) show the reason it gave.
What can never be packaged (anything in ``.git``, ``node_modules`` or another built-in ignored
folder, a symlink leading outside the roots, a FIFO or device) cannot be selected: space and
``a`` on it only say why.

Files selected one by one are named (one that cannot be packaged blocks the send); files a folder
selection brought in are :attr:`FilePicker.via_folder` (skipped with their reason, like files of
a folder named on the command line).
Names are displayed through :func:`display_name` and :func:`plain`, so a name can never inject
markup or escape sequences.
"""

from __future__ import annotations

import asyncio
import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode
from textual.worker import get_current_worker

from fiedler_tui.core.files.names import display_name
from fiedler_tui.core.files.roots import AllowedRoots
from fiedler_tui.tui.safe_text import plain

if TYPE_CHECKING:
    # Imported by the listing threads, so the first frame does not wait for the ignore rules.
    from fiedler_tui.core.files.ignore import GitignoreStack

MAX_ENTRIES_PER_FOLDER = 2000


@dataclass
class FileEntry:
    """One tree entry: a root, a folder or a file inside the allowed roots."""

    real: str
    """Resolved absolute path."""
    rel: str
    """Path relative to its root (``.`` for a root)."""
    root_index: int
    is_dir: bool
    ignored: str | None = None
    """Why folder expansion leaves this entry out, or None."""
    gitignores: GitignoreStack | None = None
    """For folders: the ``.gitignore`` files above it (its own is read when it is listed);
    None above a root."""
    never: str | None = None
    """Why this entry can never be selected or packaged (a built-in ignored folder or anything
    inside one, a symlink leading outside the roots, a special file), or None."""
    listed: asyncio.Future[None] | None = field(default=None, compare=False, repr=False)
    """For folders: done once its entries are in the tree (None: listing not started)."""


@dataclass(frozen=True)
class FolderListing:
    """What listing a folder found: its entries, how many were left out, or why it failed."""

    entries: list[FileEntry]
    more: int = 0
    error: str | None = None


def list_folder(folder: FileEntry, roots: AllowedRoots) -> FolderListing:
    """List ``folder`` (stat only; nothing read but its ``.gitignore``). Runs in a thread."""
    from fiedler_tui.core.files.ignore import GitignoreFile, GitignoreStack

    try:
        with os.scandir(folder.real) as scan:
            found = sorted(scan, key=lambda e: (not _is_dir(e), e.name))
    except OSError as exc:
        return FolderListing([], error=exc.strerror or str(exc))
    above = folder.gitignores if folder.gitignores is not None else GitignoreStack()
    inside = above.push(GitignoreFile.load(folder.real, "" if folder.rel == "." else folder.rel))
    entries = [_entry(folder, inside, e, roots) for e in found[:MAX_ENTRIES_PER_FOLDER]]
    return FolderListing(entries, more=max(0, len(found) - MAX_ENTRIES_PER_FOLDER))


def _entry(
    folder: FileEntry, gitignores: GitignoreStack, dir_entry: os.DirEntry[str], roots: AllowedRoots
) -> FileEntry:
    from fiedler_tui.core.files.ignore import builtin_ignore_reason, builtin_ignored_path

    name = dir_entry.name
    rel = name if folder.rel == "." else f"{folder.rel}/{name}"
    real = os.path.realpath(dir_entry.path)
    is_dir = _is_dir(dir_entry)
    never: str | None = None
    located = roots.locate(real)
    if folder.never is not None:  # inside .git (or the like): nothing here is ever packaged
        inside = folder.never.startswith("inside ")
        never = folder.never if inside else f"inside {folder.rel}/: {folder.never}"
    elif located is None:
        never = "symlink leading outside the allowed roots; not followed"
    elif not is_dir and not _is_regular(dir_entry):
        never = "not a regular file"
    elif real != dir_entry.path:  # a symlink inside the roots: judged where it leads
        never = builtin_ignored_path(roots.roots[located.root_index], located.rel, is_dir)
    else:
        never = builtin_ignore_reason(name, real, is_dir)
    ignored = never or gitignores.ignore_reason(rel, is_dir)
    return FileEntry(real, rel, folder.root_index, is_dir, ignored, gitignores, never=never)


class FilePicker(Tree[FileEntry]):
    """The allowed roots as a tree; space selects a file (or every file of a folder)."""

    BINDINGS = [
        Binding(
            "space",
            "toggle_selected",
            "Select",
            id="files-toggle",
            tooltip="Select or deselect the file (on a folder: every file in it)",
        ),
        Binding(
            "a",
            "select_folder",
            "Select folder",
            id="files-select-folder",
            tooltip="Select or deselect every file of the cursor's folder",
        ),
    ]

    COMPONENT_CLASSES = {
        "file-picker--selected",
        "file-picker--ignored",
        "file-picker--skipped",
    }

    DEFAULT_CSS = """
    FilePicker > .file-picker--selected { color: $success; text-style: bold; }
    FilePicker > .file-picker--ignored { color: $text-disabled; text-style: italic; }
    FilePicker > .file-picker--skipped { color: $warning; }
    """

    class SelectionChanged(Message):
        """The set of selected files changed."""

        def __init__(self, picker: FilePicker, paths: tuple[str, ...]) -> None:
            super().__init__()
            self.picker = picker
            self.paths = paths

        @property
        def control(self) -> FilePicker:
            return self.picker

    def __init__(
        self,
        roots: AllowedRoots,
        selected: Iterable[str] = (),
        *,
        id: str | None = None,
    ) -> None:
        super().__init__("roots", id=id)
        self.show_root = False
        self.guide_depth = 2
        self.roots = roots
        self.selected: set[str] = {os.path.realpath(p) for p in selected}
        self.via_folder: set[str] = set()
        """The selected files a folder selection brought in (the rest were named one by one)."""
        self.skip_reasons: dict[str, str] = {}
        """Real path -> why the dry run left the selected file out."""
        self._entry_nodes: dict[str, TreeNode[FileEntry]] = {}
        self._folder_files: dict[str, frozenset[str]] = {}
        """Folder (real path) -> the files selecting it brings (every packageable file under
        it), once it was selected whole or a file under it was selected."""
        self._folders_asked: set[str] = set()
        """Folders whose files are being found (or were) for their marks."""
        self._marks: dict[str, str] = {}
        """Folder (real path) -> the mark its row shows (all, some or none of its files)."""

    def on_mount(self) -> None:
        for index, root in enumerate(self.roots.roots):
            entry = FileEntry(root, ".", index, True)
            node = self.root.add(self._label(entry), data=entry)
            self._entry_nodes[root] = node
            self._load(node)
            node.expand()
        self.root.expand()
        self.cursor_line = 0  # a cursor shows from the start, focused or not

    # ---- loading -------------------------------------------------------------------------

    def _on_tree_node_expanded(self, event: Tree.NodeExpanded[FileEntry]) -> None:
        self._load(event.node)

    def _load(self, node: TreeNode[FileEntry]) -> asyncio.Future[None] | None:
        """Start listing ``node``'s folder unless it was; done when its entries are in."""
        folder = node.data
        if folder is None or not folder.is_dir:
            return None
        if folder.listed is None:
            folder.listed = asyncio.get_running_loop().create_future()
            node.add_leaf(plain("listing…"), data=None)
            self._list(node, folder, folder.listed)
        return folder.listed

    @work(group="file-picker-list", exit_on_error=False)
    async def _list(
        self, node: TreeNode[FileEntry], folder: FileEntry, listed: asyncio.Future[None]
    ) -> None:
        try:
            listing = await asyncio.to_thread(list_folder, folder, self.roots)
            node.remove_children()
            if listing.error is not None:
                node.add_leaf(plain(f"(unreadable: {listing.error})"))
            for child in listing.entries:
                if child.is_dir:
                    added = node.add(self._label(child), data=child)
                else:
                    added = node.add_leaf(self._label(child), data=child)
                self._entry_nodes.setdefault(child.real, added)
            if listing.more:
                node.add_leaf(plain(f"… {listing.more} more not shown"))
            self._remark_folders()
        except Exception as exc:  # reported here: a widget's worker errors reach no screen
            node.remove_children()
            node.add_leaf(plain(f"(cannot list: {type(exc).__name__}: {exc})"))
        finally:
            if not listed.done():
                listed.set_result(None)

    async def listed(self) -> None:
        """Wait until every folder listing started so far is in the tree."""
        while True:
            pending = [
                n.data.listed
                for n in self._entry_nodes.values()
                if n.data is not None and n.data.listed is not None and not n.data.listed.done()
            ]
            if not pending:
                return
            await asyncio.gather(*pending)

    async def reveal(self, path: str) -> TreeNode[FileEntry] | None:
        """List and expand the folders down to ``path``; its node (None if not in the tree)."""
        real = await asyncio.to_thread(os.path.realpath, path)
        located = self.roots.locate(real)
        if located is None:
            return None
        node = self._entry_nodes.get(self.roots.roots[located.root_index])
        if node is None or located.rel == ".":
            return node
        parts = located.rel.split("/")
        for depth in range(1, len(parts) + 1):
            listed = self._load(node)
            if listed is not None:
                await listed
            node.expand()
            rel = "/".join(parts[:depth])
            child = next((c for c in node.children if c.data and c.data.rel == rel), None)
            if child is None:
                return None
            node = child
        return node

    # ---- labels ----------------------------------------------------------------------------

    def _label(self, entry: FileEntry) -> Text:
        if entry.rel == ".":  # a root: named as package paths name it (the folder's name)
            return plain(
                display_name(os.path.basename(entry.real.rstrip(os.sep)) or entry.real) + "/"
            )
        name = display_name(entry.rel.rsplit("/", 1)[-1])
        if entry.is_dir:
            label = plain(f"{self._marks.get(entry.real, '[ ]')} {name}/")
        else:
            mark = "[x] " if entry.real in self.selected else "[ ] "
            label = plain(mark + name)
        reason = entry.ignored or self.skip_reasons.get(entry.real)
        if reason:
            label.append(plain(f"  — {reason}"))
        return label

    def render_label(self, node: TreeNode[FileEntry], base_style: Style, style: Style) -> Text:
        entry = node.data
        if entry is not None and entry.rel != ".":
            if entry.ignored:
                style = style + self.get_component_rich_style("file-picker--ignored")
            elif entry.real in self.skip_reasons:
                style = style + self.get_component_rich_style("file-picker--skipped")
            elif not entry.is_dir and entry.real in self.selected:
                style = style + self.get_component_rich_style("file-picker--selected")
        return super().render_label(node, base_style, style)

    def _relabel(self, reals: Iterable[str]) -> None:
        for real in reals:
            node = self._entry_nodes.get(real)
            if node is not None and node.data is not None:
                node.set_label(self._label(node.data))
        self._remark_folders()

    def _remark_folders(self) -> None:
        """Relabel the folders whose mark changed: ``[x]`` when every file selecting the folder
        brings is selected (however they were selected), ``[-]`` when some file under it is,
        ``[ ]`` when none is (marks read in any theme and without colour). One pass over the
        selection finds the folders holding a selected file; the files of a folder not yet
        known are found in a thread (:meth:`_find_folder_files`), which marks it again."""
        holding: set[str] = set()
        for path in self.selected:
            parent = os.path.dirname(path)
            while parent not in holding and parent != os.path.dirname(parent):
                holding.add(parent)
                parent = os.path.dirname(parent)
        unknown: list[str] = []
        for real, node in self._entry_nodes.items():
            entry = node.data
            if entry is None or not entry.is_dir or entry.rel == ".":
                continue
            if real in holding and real not in self._folders_asked:
                unknown.append(real)
            whole = self._folder_files.get(real)
            if whole and whole <= self.selected:
                mark = "[x]"
            else:
                mark = "[-]" if real in holding else "[ ]"
            if self._marks.get(real, "[ ]") != mark:
                self._marks[real] = mark
                node.set_label(self._label(entry))
        if unknown:
            self._folders_asked.update(unknown)
            self._find_folder_files(tuple(unknown))

    @work(thread=True, group="file-picker-marks", exit_on_error=False)
    def _find_folder_files(self, folders: tuple[str, ...]) -> None:
        """The files selecting each folder would bring (as ``a`` finds them), for its mark."""
        from fiedler_tui.core.files.walk import expand

        found: dict[str, frozenset[str]] = {}
        for real in folders:
            try:
                found[real] = frozenset(c.real for c in expand([real], self.roots).candidates)
            except OSError:  # unlistable: the folder keeps [-] (its listing says why)
                continue
        self.app.call_from_thread(self._folder_files_found, found)

    def _folder_files_found(self, found: Mapping[str, frozenset[str]]) -> None:
        for real, files in found.items():
            self._folder_files.setdefault(real, files)  # a selection of it whole is newer
        self._remark_folders()

    def set_skip_reasons(self, reasons: Mapping[str, str]) -> None:
        """Show why the dry run left these (real paths) out; clears earlier reasons."""
        changed = set(self.skip_reasons) | set(reasons)
        self.skip_reasons = dict(reasons)
        self._relabel(changed)

    def package_paths(self) -> dict[str, str]:
        """Package path (as the dry run names files) -> real path, for every loaded file."""
        labels = [os.path.basename(r.rstrip(os.sep)) or "root" for r in self.roots.roots]
        out: dict[str, str] = {}
        for real, node in self._entry_nodes.items():
            entry = node.data
            if entry is None or entry.is_dir:
                continue
            out.setdefault(entry.rel, real)
            out.setdefault(f"{labels[entry.root_index]}/{entry.rel}", real)
        return out

    # ---- selection -------------------------------------------------------------------------

    def set_selected(self, paths: Iterable[str]) -> None:
        """Replace the selection (real or absolute paths), each file named."""
        before = set(self.selected)
        self.selected = {os.path.realpath(p) for p in paths}
        self.via_folder = set()
        self._relabel(before ^ self.selected)
        self._changed()

    def named(self) -> set[str]:
        """The selected files the user named one by one."""
        return self.selected - self.via_folder

    def _refuse(self, entry: FileEntry) -> bool:
        """Say why ``entry`` cannot be selected; False when it can."""
        if entry.never is None:
            return False
        name = display_name(entry.rel)
        self.notify(
            f"{name}{'/' if entry.is_dir else ''} cannot be selected: {entry.never}",
            title="Never packaged",
            severity="warning",
            markup=False,
        )
        return True

    def _changed(self) -> None:
        self.post_message(self.SelectionChanged(self, tuple(sorted(self.selected))))

    @on(Tree.NodeSelected)
    def _file_chosen(self, event: Tree.NodeSelected[FileEntry]) -> None:
        """enter or a click on a file selects or deselects it (on a folder it opens or closes)."""
        entry = event.node.data
        if entry is not None and not entry.is_dir and event.node is self.cursor_node:
            self.action_toggle_selected()

    def action_toggle_selected(self) -> None:
        node = self.cursor_node
        if node is None or node.data is None:
            return
        entry = node.data
        if entry.is_dir:
            self.action_select_folder()
            return
        if entry.real in self.selected:
            self.selected.discard(entry.real)
            self.via_folder.discard(entry.real)
        elif self._refuse(entry):
            return
        else:
            self.selected.add(entry.real)
        self._relabel([entry.real])
        self._changed()

    def action_select_folder(self) -> None:
        """Select every file the folder expands to (ignored ones excluded); again to deselect."""
        node = self.cursor_node
        if node is None or node.data is None:
            return
        folder = node if node.data.is_dir else node.parent
        if folder is None or folder.data is None or self._refuse(folder.data):
            return
        self._load(folder)
        folder.expand()
        self._expand_folder(folder.data.real)

    @work(thread=True, exclusive=True, group="file-picker-expand", exit_on_error=False)
    def _expand_folder(self, real: str) -> None:
        from fiedler_tui.core.files.walk import expand

        try:
            found = expand([real], self.roots)
        except Exception as exc:  # reported here: a widget's worker errors reach no screen
            message = f"cannot list {real}: {type(exc).__name__}: {exc}"
            self.app.call_from_thread(self.notify, message, severity="error", timeout=10)
            return
        if get_current_worker().is_cancelled:  # a newer press superseded this one
            return
        files = [c.real for c in found.candidates]
        self.app.call_from_thread(self._toggle_many, real, files)

    def _toggle_many(self, folder: str, files: list[str]) -> None:
        self._folder_files[folder] = frozenset(files)
        self._folders_asked.add(folder)
        if not files:
            self.notify("no files to select in this folder", severity="warning")
            return
        if all(f in self.selected for f in files):
            self.selected.difference_update(files)
            self.via_folder.difference_update(files)
        else:
            self.via_folder.update(f for f in files if f not in self.selected)
            self.selected.update(files)
        self._relabel(files)
        self._changed()


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _is_regular(entry: os.DirEntry[str]) -> bool:
    try:
        return stat.S_ISREG(entry.stat().st_mode)
    except OSError:
        return False
