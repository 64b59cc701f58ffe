"""Allowed roots: every path is resolved (symlinks followed) and must lie inside one of them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from fiedler_tui.core.settings import Settings


class RootedPath(NamedTuple):
    """A resolved path inside an allowed root (a tuple: made once per directory entry)."""

    root_index: int
    real: str
    """The fully resolved absolute path."""
    rel: str
    """``real`` relative to its root, with ``/`` separators (``.`` for the root itself)."""


@dataclass(frozen=True)
class AllowedRoots:
    """The resolved allowed roots, in the order configured."""

    roots: tuple[str, ...]

    @classmethod
    def from_settings(cls, settings: Settings) -> AllowedRoots:
        return cls.of(settings.allowed_roots)

    @classmethod
    def of(cls, paths: tuple[Path, ...] | list[Path]) -> AllowedRoots:
        seen: list[str] = []
        for path in paths:
            real = os.path.realpath(os.path.abspath(os.path.expanduser(str(path))))
            if real not in seen:
                seen.append(real)
        return cls(tuple(seen))

    def locate(self, real: str) -> RootedPath | None:
        """The first root (in configured order) holding the resolved path ``real``, or None."""
        for index, root in enumerate(self.roots):
            if real == root:
                return RootedPath(index, real, ".")
            prefix = root if root.endswith(os.sep) else root + os.sep
            if real.startswith(prefix):
                rel = real[len(prefix) :]
                if os.sep != "/":
                    rel = rel.replace(os.sep, "/")
                return RootedPath(index, real, rel)
        return None

    def describe(self) -> str:
        return ", ".join(self.roots) if self.roots else "(none)"
