"""Directory expansion: gitignore, built-in ignores, user globs, order, roots."""

from __future__ import annotations

from pathlib import Path

from fiedler_tui.core.files.ignore import Filters
from fiedler_tui.core.files.selection import select_files
from fiedler_tui.core.files.skips import SkipCode
from fiedler_tui.core.settings import Settings
from tests.dryrun.conftest import write


def paths(selection: object) -> list[str]:
    return [f.path for f in selection.files]  # type: ignore[attr-defined]


def test_gitignore_nested_and_negated(root: Path, settings: Settings) -> None:
    write(root / ".gitignore", "*.log\nsecret/\n!keep.log\n")
    write(root / "app.py", "x\n")
    write(root / "debug.log", "x\n")
    write(root / "keep.log", "x\n")
    write(root / "secret" / "k.txt", "x\n")
    write(root / "sub" / ".gitignore", "generated.py\n!important.log\n")
    write(root / "sub" / "generated.py", "x\n")
    write(root / "sub" / "important.log", "x\n")
    write(root / "sub" / "mod.py", "x\n")
    selection = select_files([root], settings)
    assert paths(selection) == [
        ".gitignore",
        "app.py",
        "keep.log",
        "sub/.gitignore",
        "sub/important.log",
        "sub/mod.py",
    ]
    reasons = {s.path: s.reason for s in selection.skipped}
    assert reasons["debug.log"] == "ignored by .gitignore:1: *.log"
    assert reasons["secret"] == "ignored by .gitignore:2: secret/"
    assert reasons["sub/generated.py"] == "ignored by sub/.gitignore:1: generated.py"


def test_gitignore_of_ancestors_applies_when_a_subfolder_is_named(
    root: Path, settings: Settings
) -> None:
    write(root / ".gitignore", "*.tmp\n")
    write(root / "pkg" / "a.py", "x\n")
    write(root / "pkg" / "b.tmp", "x\n")
    selection = select_files([root / "pkg"], settings)
    assert paths(selection) == ["pkg/a.py"]
    # Naming an ignored file explicitly is a request for it.
    assert paths(select_files([root / "pkg" / "b.tmp"], settings)) == ["pkg/b.tmp"]


def test_builtin_ignores(root: Path, settings: Settings) -> None:
    for folder in (".git", "node_modules/x", "__pycache__", "build", "dist", "pkg.egg-info"):
        write(root / folder / "f.txt", "x\n")
    write(root / "env" / "pyvenv.cfg", "home = /usr\n")
    write(root / "env" / "lib.py", "x\n")
    write(root / "venv" / "__init__.py", "x\n")  # a package named venv, not a virtualenv
    write(root / "mod.pyc", b"\x00compiled")
    write(root / "src.py", "x\n")
    selection = select_files([root], settings)
    assert paths(selection) == ["src.py", "venv/__init__.py"]
    ignored = {s.path for s in selection.skipped if s.code is SkipCode.IGNORED}
    assert ignored == {
        ".git",
        "__pycache__",
        "build",
        "dist",
        "env",
        "mod.pyc",
        "node_modules",
        "pkg.egg-info",
    }


def test_include_and_exclude_globs(root: Path, settings: Settings) -> None:
    write(root / "a.py", "x\n")
    write(root / "b.md", "x\n")
    write(root / "tests" / "t.py", "x\n")
    filters = Filters(include=("*.py",), exclude=("tests/",))
    selection = select_files([root], settings, filters)
    assert paths(selection) == ["a.py"]
    reasons = {s.path: (s.code, s.reason) for s in selection.skipped}
    assert reasons["b.md"][0] is SkipCode.NOT_INCLUDED
    assert reasons["tests"] == (SkipCode.EXCLUDED, "excluded by --exclude tests/")


def test_order_is_deterministic_whatever_the_argument_order(root: Path, settings: Settings) -> None:
    for name in ("b/z.py", "b/a.py", "a.py", "c.py", "b.py", "a/b/c.py"):
        write(root / name, "x\n")
    first = select_files([root / "c.py", root / "b", root], settings)
    second = select_files([root, root / "b"], settings)
    expected = ["a/b/c.py", "a.py", "b/a.py", "b/z.py", "b.py", "c.py"]
    assert paths(first) == paths(second) == expected


def test_missing_path_and_path_outside_every_root(
    root: Path, tmp_path: Path, settings: Settings
) -> None:
    selection = select_files([root / "nope.py", tmp_path], settings)
    refused = {s.code for s in selection.refused}
    assert refused == {SkipCode.MISSING, SkipCode.OUTSIDE_ROOTS}


def test_several_roots_get_labelled_paths(tmp_path: Path) -> None:
    one = write(tmp_path / "one" / "proj" / "README.md", "1\n").parent
    two = write(tmp_path / "two" / "proj" / "README.md", "2\n").parent
    other = write(tmp_path / "lib" / "x.py", "x\n").parent
    settings = Settings(allowed_roots=(one, two, other))
    selection = select_files([one, two, other], settings)
    assert paths(selection) == ["proj~1/README.md", "proj~2/README.md", "lib/x.py"]


def test_default_root_is_the_current_directory(tmp_path: Path, monkeypatch: object) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    write(tmp_path / "here" / "a.txt", "x\n")
    write(tmp_path / "there.txt", "x\n")
    monkeypatch.chdir(tmp_path / "here")
    settings = Settings.from_env({})
    assert paths(select_files(["a.txt"], settings)) == ["a.txt"]
    assert (
        select_files([tmp_path / "there.txt"], settings).refused[0].code is SkipCode.OUTSIDE_ROOTS
    )
