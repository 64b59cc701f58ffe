"""Review units: the selection split one per file, one per folder, or the whole package as one.

The split follows the same walk as a send (roots, ignore rules, ``--include``/``--exclude``);
each unit is then packaged and judged on its own by the dry run, as a send of its files would be.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from fiedler_tui.core.files.errors import PathRefusedError
from fiedler_tui.core.files.ignore import Filters
from fiedler_tui.core.files.names import display_name
from fiedler_tui.core.files.roots import AllowedRoots
from fiedler_tui.core.files.skips import REFUSAL_CODES
from fiedler_tui.core.files.walk import Candidate, expand
from fiedler_tui.core.settings import Settings


class UnitSplit(StrEnum):
    """``--per``: how a selection is cut into review units."""

    FILE = "file"
    FOLDER = "folder"
    PACKAGE = "package"


@dataclass(frozen=True)
class Unit:
    """One review unit: what one request to each model carries."""

    index: int
    name: str
    """The file, the folder (``.`` for a root's top level) or ``package``."""
    paths: tuple[str, ...]
    """Resolved paths of its files, in package order."""
    from_folders: frozenset[str]
    """Those among ``paths`` found by expanding a folder (skipped, never refused, when they
    cannot be packaged)."""


def _label(candidate: Candidate, labels: list[str], multi_root: bool) -> str:
    return f"{labels[candidate.root_index]}/{candidate.rel}" if multi_root else candidate.rel


def split_units(
    paths: Iterable[str | os.PathLike[str]],
    settings: Settings,
    per: UnitSplit,
    filters: Filters | None = None,
    cwd: str | None = None,
) -> list[Unit]:
    """The units of ``paths`` (a path outside the roots or missing raises PathRefusedError)."""
    roots = AllowedRoots.from_settings(settings)
    expansion = expand(paths, roots, filters, cwd)
    refused = [s for s in expansion.skipped if s.explicit and s.code in REFUSAL_CODES]
    if refused:
        raise PathRefusedError([f"{display_name(s.path)}: {s.reason}" for s in refused])
    candidates = list(expansion.candidates)
    multi_root = len({c.root_index for c in candidates}) > 1
    labels = [os.path.basename(r.rstrip(os.sep)) or "root" for r in roots.roots]
    groups: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        name = _label(candidate, labels, multi_root)
        if per is UnitSplit.FOLDER:
            key = posixpath.dirname(name) or "."
        elif per is UnitSplit.PACKAGE:
            key = "package"
        else:
            key = name
        groups.setdefault(key, []).append(candidate)
    return [
        Unit(
            index=index,
            name=name,
            paths=tuple(c.real for c in members),
            from_folders=frozenset(c.real for c in members if not c.explicit),
        )
        for index, (name, members) in enumerate(groups.items())
    ]
