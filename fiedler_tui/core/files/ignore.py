"""What directory expansion leaves out: built-in ignores, ``.gitignore`` files, user globs.

These rules apply while expanding directories. A file named explicitly is subject to the user's
exclude globs (naming a file is a clear request for it, even if ``.gitignore`` leaves it out) and
to the built-in folder rules: nothing inside ``.git``, ``node_modules``, a virtualenv and the like
is ever packaged, however it is named (``.git/config`` can hold credentials in remote URLs).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fiedler_tui.core.files.reading import ReadRefusal, decode_text, read_bytes_bounded

if TYPE_CHECKING:
    import pathspec


def gitignore_spec(lines: Iterable[str]) -> pathspec.GitIgnoreSpec:
    """Git's ignore rules for ``lines`` (pathspec is imported on first use: the app's first
    frame lists no folder, so it does not wait for it)."""
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(lines)


BUILTIN_IGNORED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "__pycache__",
        ".venv",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".eggs",
        "build",
        "dist",
    }
)
"""Directory names never expanded; virtualenvs (a ``pyvenv.cfg`` inside) and ``*.egg-info`` too."""
BUILTIN_IGNORED_FILE_SUFFIXES = (".pyc", ".pyo")
BUILTIN_IGNORED_FILES = frozenset({".DS_Store"})
GITIGNORE_MAX_BYTES = 1_000_000


def builtin_ignore_reason(name: str, real: str, is_dir: bool) -> str | None:
    """Why the built-in rules skip this entry, or None."""
    if is_dir:
        if name in BUILTIN_IGNORED_DIRS or name.endswith(".egg-info"):
            return f"ignored (built-in rule: {name})"
        if os.path.isfile(os.path.join(real, "pyvenv.cfg")):
            return "ignored (built-in rule: virtualenv)"
        return None
    if name in BUILTIN_IGNORED_FILES or name.endswith(BUILTIN_IGNORED_FILE_SUFFIXES):
        return f"ignored (built-in rule: {name})"
    return None


def builtin_ignored_path(
    root: str, rel: str, is_dir: bool, folders: dict[str, str | None] | None = None
) -> str | None:
    """Why the built-in rules leave out ``rel`` (relative to ``root``, ``/``-separated) or a
    folder on the way to it, or None. Only the part inside the root is judged: a project kept
    under a folder named ``build`` is not ignored for it. ``folders`` remembers the verdict on
    each folder on the way (many named files share them; a virtualenv check is a ``stat``)."""
    if rel in ("", "."):
        return None
    parts = rel.split("/")
    here = root.rstrip(os.sep)
    for depth, part in enumerate(parts, 1):
        here = f"{here}{os.sep}{part}"  # os.path.join, without its cost per folder
        if depth == len(parts):
            return builtin_ignore_reason(part, here, is_dir)
        if folders is None or here not in folders:
            reason = builtin_ignore_reason(part, here, True)
            if reason is not None:
                reason = f"inside {'/'.join(parts[:depth])}/: {reason}"
            if folders is None:
                if reason is not None:
                    return reason
                continue
            folders[here] = reason
        if folders[here] is not None:
            return folders[here]
    return None


@dataclass(frozen=True)
class GitignoreFile:
    """One parsed ``.gitignore``; ``base`` is its folder relative to the root (``""`` at top)."""

    base: str
    lines: tuple[str, ...]
    spec: pathspec.GitIgnoreSpec

    @classmethod
    def load(cls, real_dir: str, base: str) -> GitignoreFile | None:
        """The ``.gitignore`` in ``real_dir`` if present, readable and UTF-8."""
        got = read_bytes_bounded(os.path.join(real_dir, ".gitignore"), GITIGNORE_MAX_BYTES)
        if isinstance(got, ReadRefusal):
            return None
        text = decode_text(got[0])
        if isinstance(text, ReadRefusal):
            return None
        lines = tuple(text.splitlines())
        return cls(base, lines, gitignore_spec(lines))

    def decide(self, rel: str, is_dir: bool) -> tuple[bool, str] | None:
        """(ignored?, the deciding line) for root-relative ``rel``, or None when no line matches."""
        if self.base:
            if not rel.startswith(self.base + "/"):
                return None
            rel = rel[len(self.base) + 1 :]
        result = self.spec.check_file(rel + "/" if is_dir else rel)
        if result.include is None:
            return None
        index = result.index if result.index is not None else -1
        line = self.lines[index] if 0 <= index < len(self.lines) else "?"
        where = f"{self.base}/.gitignore" if self.base else ".gitignore"
        return bool(result.include), f"{where}:{index + 1}: {line.strip()}"


@dataclass(frozen=True)
class GitignoreStack:
    """The ``.gitignore`` files in force at one folder, outermost first; the deepest match wins."""

    files: tuple[GitignoreFile, ...] = ()

    def push(self, gitignore: GitignoreFile | None) -> GitignoreStack:
        return self if gitignore is None else GitignoreStack((*self.files, gitignore))

    def ignore_reason(self, rel: str, is_dir: bool) -> str | None:
        for gitignore in reversed(self.files):
            decision = gitignore.decide(rel, is_dir)
            if decision is not None:
                ignored, where = decision
                return f"ignored by {where}" if ignored else None
        return None


@dataclass(frozen=True)
class Filters:
    """User globs (gitignore syntax, matched against root-relative paths).

    ``exclude`` drops matching paths everywhere; ``include``, when given, keeps only matching files
    found by directory expansion.
    """

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    _include_spec: pathspec.PathSpec[Any] | None = field(default=None, compare=False, repr=False)
    _exclude_spec: pathspec.PathSpec[Any] | None = field(default=None, compare=False, repr=False)
    _decisions: dict[tuple[str, bool, bool], bool] = field(
        default_factory=dict, compare=False, repr=False
    )
    """Memo of glob decisions by (path, is_dir, include?): re-previews repeat the same paths."""

    def __post_init__(self) -> None:
        if self.include:
            spec = gitignore_spec(self.include)
            object.__setattr__(self, "_include_spec", spec)
        if self.exclude:
            spec = gitignore_spec(self.exclude)
            object.__setattr__(self, "_exclude_spec", spec)

    def exclude_reason(self, rel: str, is_dir: bool) -> str | None:
        """Which exclude glob drops ``rel``, or None."""
        if not self.quick_excluded(rel, is_dir):
            return None
        for glob in self.exclude:
            one = gitignore_spec([glob])
            if one.match_file(rel + "/" if is_dir else rel):
                return f"excluded by --exclude {glob}"
        return None

    def quick_excluded(self, rel: str, is_dir: bool) -> bool:
        spec = self._exclude_spec
        if spec is None:
            return False
        key = (rel, is_dir, False)
        decision = self._decisions.get(key)
        if decision is None:
            decision = self._decisions[key] = spec.match_file(rel + "/" if is_dir else rel)
        return decision

    def not_included(self, rel: str) -> bool:
        spec = self._include_spec
        if spec is None:
            return False
        key = (rel, False, True)
        decision = self._decisions.get(key)
        if decision is None:
            decision = self._decisions[key] = not spec.match_file(rel)
        return decision
