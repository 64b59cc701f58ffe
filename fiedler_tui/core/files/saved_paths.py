"""A saved run's file paths found again under the allowed roots.

A saved path is relative to its root, prefixed by the root's folder name when the package came
from several roots (``label~2`` for a second root of the same name)."""

from __future__ import annotations

import os
from collections.abc import Iterable

from fiedler_tui.core.files.roots import AllowedRoots


def find_saved_paths(paths: Iterable[str], roots: AllowedRoots) -> tuple[list[str], list[str]]:
    """(absolute paths of the files found under the roots, saved paths not found)."""
    labels = [os.path.basename(r.rstrip(os.sep)) or "root" for r in roots.roots]
    found: list[str] = []
    missing: list[str] = []
    for path in paths:
        candidates = [os.path.join(root, path) for root in roots.roots]
        head, _, rest = path.partition("/")
        for index, label in enumerate(labels):
            if rest and head in (label, f"{label}~{index + 1}"):
                candidates.append(os.path.join(roots.roots[index], rest))
        hit = next(
            (
                c
                for c in candidates
                if roots.locate(os.path.realpath(c)) is not None and os.path.isfile(c)
            ),
            None,
        )
        if hit is None:
            missing.append(path)
        else:
            found.append(hit)
    return found, missing
