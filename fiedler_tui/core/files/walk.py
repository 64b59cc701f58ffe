"""Turning the user's paths into candidate files: resolve, check roots, expand directories.

Nothing is read here except ``.gitignore`` files; every entry is classified from ``lstat``/``stat``.
A path the user named is ``explicit``: when it cannot be packaged the send is refused. Files found
by expanding a folder (or given on behalf of a folder the user selected: ``from_folders``) are
only skipped with their reason.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import NamedTuple

from fiedler_tui.core.files.ignore import (
    Filters,
    GitignoreFile,
    GitignoreStack,
    builtin_ignore_reason,
    builtin_ignored_path,
)
from fiedler_tui.core.files.reading import special_kind
from fiedler_tui.core.files.roots import AllowedRoots, RootedPath
from fiedler_tui.core.files.skips import SkipCode, SkippedPath


class Candidate(NamedTuple):
    """A regular file inside a root, found by resolving or expanding the user's paths."""

    root_index: int
    rel: str
    real: str
    explicit: bool
    identity: tuple[int, int, int, int, int]
    """(st_dev, st_ino, st_size, st_mtime_ns, st_ctime_ns) when it was found."""


@dataclass(frozen=True)
class Expansion:
    """Candidates in package order (root, then path components) and everything skipped."""

    candidates: tuple[Candidate, ...]
    skipped: tuple[SkippedPath, ...]


def _identity(st: os.stat_result) -> tuple[int, int, int, int, int]:
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def _join(rel: str, name: str) -> str:
    return name if rel in ("", ".") else f"{rel}/{name}"


class _Expander:
    def __init__(
        self, roots: AllowedRoots, filters: Filters, from_folders: Collection[str]
    ) -> None:
        self.roots = roots
        self.filters = filters
        self.from_folders = from_folders
        self.folder_rules: dict[str, str | None] = {}
        """Built-in rule verdicts on the folders above named paths (see builtin_ignored_path)."""
        self.found: dict[str, Candidate] = {}
        self.skipped: list[SkippedPath] = []
        self.visited_dirs: set[str] = set()

    def skip(self, path: str, code: SkipCode, reason: str, explicit: bool = False) -> None:
        self.skipped.append(SkippedPath(path, code, reason, explicit))

    def add(self, located: RootedPath, st: os.stat_result, explicit: bool) -> None:
        previous = self.found.get(located.real)
        if previous is not None:
            if explicit and not previous.explicit:
                self.found[located.real] = Candidate(
                    previous.root_index, previous.rel, previous.real, True, previous.identity
                )
            return
        self.found[located.real] = Candidate(
            located.root_index, located.rel, located.real, explicit, _identity(st)
        )

    def argument(self, arg: str, cwd: str) -> None:
        """One path the user named (or a file of a folder the user selected)."""
        lexical = os.path.normpath(os.path.join(cwd, os.path.expanduser(arg)))
        real = os.path.realpath(lexical)
        explicit = real not in self.from_folders
        located = self.roots.locate(real)
        if located is None:
            self._refuse_outside(arg, lexical, real)
            return
        try:
            st = os.stat(real)
        except FileNotFoundError:
            self.skip(arg, SkipCode.MISSING, "no such file or directory", explicit)
            return
        except OSError as exc:
            self.skip(arg, SkipCode.UNREADABLE, f"unreadable: {exc.strerror}", explicit)
            return
        is_dir = stat.S_ISDIR(st.st_mode)
        root = self.roots.roots[located.root_index]
        reason = builtin_ignored_path(root, located.rel, is_dir, self.folder_rules)
        if reason is not None:  # .git/config, node_modules/x.js: never packaged, even named
            self.skip(located.rel, SkipCode.IGNORED, f"{reason}; never packaged", explicit)
            return
        if is_dir:
            self.directory(located, self._ancestor_gitignores(located))
            return
        kind = special_kind(st.st_mode)
        if kind is not None:
            reason = f"not a regular file ({kind}); never opened"
            self.skip(located.rel, SkipCode.SPECIAL_FILE, reason, explicit)
            return
        reason = self.filters.exclude_reason(located.rel, False)
        if reason is not None:
            self.skip(located.rel, SkipCode.EXCLUDED, reason, explicit)
            return
        self.add(located, st, explicit)

    def _refuse_outside(self, arg: str, lexical: str, real: str) -> None:
        roots = self.roots.describe()
        if ".." in PurePath(arg).parts:
            reason = f"'..' leads outside the allowed roots ({real}; roots: {roots})"
            self.skip(arg, SkipCode.OUTSIDE_ROOTS, reason, explicit=True)
        elif lexical != real and self.roots.locate(lexical) is not None:
            reason = f"symlink to {real}, outside the allowed roots ({roots}); not followed"
            self.skip(arg, SkipCode.SYMLINK_ESCAPE, reason, explicit=True)
        else:
            reason = f"outside the allowed roots ({roots}); set FIEDLER_ALLOWED_FILE_ROOTS"
            self.skip(arg, SkipCode.OUTSIDE_ROOTS, reason, explicit=True)

    def _ancestor_gitignores(self, located: RootedPath) -> GitignoreStack:
        """The ``.gitignore`` files from the root down to (not including) this folder."""
        stack = GitignoreStack()
        if located.rel == ".":
            return stack
        root = self.roots.roots[located.root_index]
        parts = located.rel.split("/")
        for depth in range(len(parts)):
            base = "/".join(parts[:depth])
            stack = stack.push(GitignoreFile.load(os.path.join(root, *parts[:depth]), base))
        return stack

    def directory(self, located: RootedPath, stack: GitignoreStack) -> None:
        """Expand a folder depth-first (iteratively: deep trees cannot overflow the stack)."""
        pending: list[tuple[RootedPath, GitignoreStack]] = [(located, stack)]
        while pending:
            here, outer = pending.pop()
            if here.real in self.visited_dirs:
                continue
            self.visited_dirs.add(here.real)
            base = "" if here.rel == "." else here.rel
            inner = outer.push(GitignoreFile.load(here.real, base))
            try:
                with os.scandir(here.real) as scan:
                    entries = sorted(scan, key=lambda e: e.name)
            except OSError as exc:
                self.skip(here.rel, SkipCode.UNREADABLE, f"unreadable folder: {exc.strerror}")
                continue
            subdirs: list[tuple[RootedPath, GitignoreStack]] = []
            for entry in entries:
                child = self._entry(here, base, entry, inner)
                if child is not None:
                    subdirs.append(child)
            pending.extend(reversed(subdirs))

    def _entry(
        self, here: RootedPath, base: str, entry: os.DirEntry[str], stack: GitignoreStack
    ) -> tuple[RootedPath, GitignoreStack] | None:
        rel = _join(base, entry.name)
        try:
            if entry.is_symlink():
                real = os.path.realpath(entry.path)
                located = self.roots.locate(real)
                if located is None:
                    escape = f"symlink to {real}, outside the allowed roots; not followed"
                    self.skip(rel, SkipCode.SYMLINK_ESCAPE, escape)
                    return None
                st = os.stat(real)
            else:
                located = RootedPath(here.root_index, entry.path, rel)
                st = entry.stat(follow_symlinks=False)
        except FileNotFoundError:
            self.skip(rel, SkipCode.MISSING, "broken symlink")
            return None
        except OSError as exc:
            self.skip(rel, SkipCode.UNREADABLE, f"unreadable: {exc.strerror}")
            return None
        is_dir = stat.S_ISDIR(st.st_mode)
        reason = builtin_ignore_reason(entry.name, located.real, is_dir) or stack.ignore_reason(
            rel, is_dir
        )
        if reason is None and located.real != entry.path:  # a symlink: judge where it leads too
            root = self.roots.roots[located.root_index]
            reason = builtin_ignored_path(root, located.rel, is_dir, self.folder_rules)
        if reason is not None:
            self.skip(rel, SkipCode.IGNORED, reason)
            return None
        reason = self.filters.exclude_reason(located.rel, is_dir)
        if reason is not None:
            self.skip(rel, SkipCode.EXCLUDED, reason)
            return None
        if is_dir:
            if located.real != entry.path:  # a symlinked folder: its own place's rules apply
                return located, self._ancestor_gitignores(located)
            return located, stack
        kind = special_kind(st.st_mode)
        if kind is not None:
            self.skip(rel, SkipCode.SPECIAL_FILE, f"not a regular file ({kind}); never opened")
            return None
        if self.filters.not_included(located.rel):
            self.skip(rel, SkipCode.NOT_INCLUDED, "not matched by any --include glob")
            return None
        self.add(located, st, explicit=False)
        return None


def expand(
    paths: Iterable[str | os.PathLike[str]],
    roots: AllowedRoots,
    filters: Filters | None = None,
    cwd: str | None = None,
    from_folders: Collection[str] = (),
) -> Expansion:
    """Resolve each path against ``cwd``, check it lies in a root, expand folders.

    ``from_folders``: resolved paths among ``paths`` that stand for files of a folder the user
    selected (the app's tree): judged as files found by expanding a folder, not as named ones."""
    expander = _Expander(roots, filters or Filters(), frozenset(from_folders))
    base = cwd if cwd is not None else os.getcwd()
    for path in paths:
        expander.argument(os.fspath(path), base)
    candidates: Sequence[Candidate] = sorted(
        expander.found.values(), key=lambda c: (c.root_index, c.rel.split("/"))
    )
    return Expansion(tuple(candidates), tuple(expander.skipped))
