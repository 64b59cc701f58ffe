"""The run's package found again: its files under the allowed roots, and the rebuilt package
checked against the one the run sent (the package text itself is never saved), and each
model's share of it against the one its first turn got (a package reduced by the egress rules
must be reduced exactly as it was)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fiedler_tui.core.budget import DryRunResult
from fiedler_tui.core.files.names import display_name
from fiedler_tui.core.files.roots import AllowedRoots
from fiedler_tui.core.files.saved_paths import find_saved_paths
from fiedler_tui.core.followup.conversation import FollowUpRefused
from fiedler_tui.core.plural import counted
from fiedler_tui.core.store.run_store import RunInfo


def _package(summary: Mapping[str, Any]) -> Mapping[str, Any]:
    value = summary.get("package")
    return value if isinstance(value, Mapping) else {}


def package_file_names(info: RunInfo) -> list[str]:
    """The run's files as its package named them (none when it saved them as hashes)."""
    files = _package(info.summary).get("file_list")
    if not isinstance(files, list):
        return []
    names = (item.get("path") for item in files if isinstance(item, Mapping))
    return [name for name in names if isinstance(name, str) and name]


def saved_file_paths(
    summary: Mapping[str, Any], roots: AllowedRoots
) -> tuple[list[str], list[str]]:
    """(absolute paths found under the roots, saved paths not found) for a run's file list.

    A saved path is relative to its root, prefixed by the root's folder name when the package
    came from several roots (``label~2`` for a second root of the same name)."""
    files = _package(summary).get("file_list")
    if not isinstance(files, list):
        return [], []
    paths = (item.get("path") if isinstance(item, Mapping) else None for item in files)
    return find_saved_paths((p for p in paths if isinstance(p, str) and p), roots)


def run_file_paths(info: RunInfo, roots: AllowedRoots) -> list[str]:
    """The run's files to package again; refused when they cannot all be found."""
    summary = info.summary
    package = _package(summary)
    if package.get("paths_redacted"):
        raise FollowUpRefused(
            f"run {info.run_id} saved its file names as hashes (FIEDLER_REDACT_FILENAMES=1): "
            "its package cannot be found again"
        )
    found, missing = saved_file_paths(summary, roots)
    if missing:
        shown = ", ".join(display_name(m) for m in missing[:5]) + (" …" if len(missing) > 5 else "")
        raise FollowUpRefused(
            f"{len(missing)} file(s) of run {info.run_id} are no longer under the allowed roots "
            f"({roots.describe()}): {shown}"
        )
    if not found and package.get("files"):
        raise FollowUpRefused(f"none of the files of run {info.run_id} could be found")
    return found


def ensure_same_package(info: RunInfo, result: DryRunResult) -> None:
    """Refuse unless the package built again is byte for byte the one the run sent."""
    saved = _package(info.summary)
    if result.preview.sha256 == saved.get("sha256"):
        return
    before = {
        str(f.get("path")): f.get("sha256")
        for f in saved.get("file_list") or []
        if isinstance(f, Mapping)
    }
    now = {f.path: f.sha256 for f in result.preview.files}
    changed = [p for p in before if p in now and now[p] != before[p]]
    gone = [p for p in before if p not in now]
    added = [p for p in now if p not in before]
    details = []
    if changed:
        details.append("changed since: " + ", ".join(display_name(p) for p in changed[:5]))
    if gone:
        details.append("left out now: " + ", ".join(display_name(p) for p in gone[:5]))
    if added:
        details.append("new: " + ", ".join(display_name(p) for p in added[:5]))
    if not details:
        details.append(
            "the same files, packaged differently (was the run sent with another secrets "
            "choice: masked, excluded or allowed?)"
        )
    raise FollowUpRefused(
        f"the package of run {info.run_id} is no longer the one its models read ("
        + "; ".join(details)
        + "): a follow-up would send them something different; re-run it instead"
    )


def _first_withheld(info: RunInfo, alias: str) -> list[str]:
    """The paths the run's summary records as left out of ``alias``'s package in turn 1."""
    models = info.summary.get("models")
    for record in models if isinstance(models, list) else []:
        if isinstance(record, Mapping) and record.get("alias") == alias:
            withheld = record.get("withheld")
            return [
                str(w.get("path"))
                for w in (withheld if isinstance(withheld, list) else [])
                if isinstance(w, Mapping) and isinstance(w.get("path"), str)
            ]
    return []


def _named(paths: list[str]) -> str:
    return ", ".join(display_name(p) for p in paths[:5]) + (" …" if len(paths) > 5 else "")


def ensure_same_shares(info: RunInfo, aliases: list[str], result: DryRunResult) -> None:
    """Refuse unless each model's package is the one its first turn got: the whole package,
    or (under the egress rules) the same files left out. A model the rules refuse is left to
    the dry run's blockers."""
    for alias in aliases:
        before = _first_withheld(info, alias)
        withheld = result.withheld.get(alias, ())
        if withheld and alias not in result.packages:
            continue  # refused files: a blocker of the dry run names them and their rules
        added = [w for w in withheld if w.path not in before]
        dropped = [p for p in before if p not in {w.path for w in withheld}]
        if not added and not dropped:
            continue
        if added:
            named = "; ".join(f"{display_name(w.path)} ({w.reason})" for w in added[:5])
            problem = (
                f"{alias} read {counted(len(added), 'file')} in turn 1 that the egress rules "
                f"now forbid it: {named}"
            )
        else:
            problem = (
                f"{alias} got a package without {_named(dropped)} in turn 1, and the egress "
                "rules no longer leave them out"
            )
        raise FollowUpRefused(
            f"{problem}: its conversation in run {info.run_id} cannot go on with another "
            "package; re-run the run instead"
        )
