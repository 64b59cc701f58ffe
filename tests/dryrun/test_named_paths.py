"""What is sent is what was asked for: named paths that cannot be packaged, built-in ignored
folders, an empty prompt or package, and a missing key are refusals (exit 3), judged once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from fiedler_tui.cli import main
from fiedler_tui.core.files.selection import select_files
from fiedler_tui.core.files.skips import SkipCode
from fiedler_tui.core.settings import Settings
from tests.conftest import MemoryKeyring
from tests.dryrun.conftest import write

pytestmark = pytest.mark.timeout(60)
REPO = Path(__file__).resolve().parents[2]
GIT_CONFIG = '[remote "origin"]\n\turl = https://user:ghp_notarealtoken@example.com/x.git\n'


@pytest.fixture
def project(root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write(root / "good.py", "def main():\n    return 42\n")
    write(root / "bad.py", b"name = '\xff\xfe'\n")
    write(root / "blob.bin", b"\x00\x01\x02" * 10)
    write(root / ".git" / "config", GIT_CONFIG)
    write(root / ".git" / "hooks" / "pre-commit", "#!/bin/sh\n")
    write(root / "node_modules" / "left" / "index.js", "module.exports = 1\n")
    os.mkfifo(root / "pipe")
    monkeypatch.chdir(root)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-openai")
    return root


def dry_run(cwd: Path, *argv: str) -> tuple[int, dict[str, Any], str]:
    """``fiedler dry-run ARGV --json`` as a real process: exit code, JSON, stderr."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIEDLER_")}
    env["PYTHONPATH"] = str(REPO)
    done = subprocess.run(
        [sys.executable, "-m", "fiedler_tui", "dry-run", *argv, "--json"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=50,
        check=False,
    )
    return done.returncode, json.loads(done.stdout), done.stderr


def kinds(data: dict[str, Any]) -> list[str]:
    return [b["kind"] for b in data["blocker_details"]]


def test_a_named_file_that_cannot_be_packaged_is_refused_with_its_reason(project: Path) -> None:
    code, data, _ = dry_run(
        project, "good.py", "bad.py", "pipe", "blob.bin", "-m", "gpt-5", "-p", "x"
    )
    assert code == 3
    assert [f["path"] for f in data["files"]] == ["good.py"]
    assert kinds(data) == ["unpackable"] * 3
    blockers = "\n".join(data["blockers"])
    assert "bad.py: cannot be packaged: not UTF-8: invalid byte at offset 8" in blockers
    assert "pipe: cannot be packaged: not a regular file (fifo)" in blockers
    assert "blob.bin: cannot be packaged: binary: NUL byte at offset 0" in blockers
    assert data["sendable"] is False
    # Alone, the file is refused and the package is not sent empty.
    code, data, _ = dry_run(project, "bad.py", "-m", "gpt-5", "-p", "x")
    assert code == 3 and data["package"]["files"] == 0 and kinds(data) == ["unpackable"]


def test_the_same_files_found_in_a_folder_are_listed_and_do_not_refuse(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["dry-run", "bad.py", "-m", "gpt-5", "-p", "x"]) == 3  # named: refused
    assert "cannot send: bad.py: cannot be packaged" in capsys.readouterr().err
    code = main(["dry-run", ".", "-m", "gpt-5", "-p", "x"])
    out = capsys.readouterr().out
    assert code == 0
    for line in (
        "  bad.py: not UTF-8: invalid byte at offset 8",
        "  blob.bin: binary: NUL byte at offset 0",
        "  pipe: not a regular file (fifo); never opened",
        "  .git: ignored (built-in rule: .git)",
    ):
        assert line in out
    assert "package: 1 file, " in out


def test_builtin_ignored_folders_are_never_packaged_named_or_not(project: Path) -> None:
    os.symlink(".git/config", project / "cfg")  # inside the roots, leading into .git
    os.symlink(".git/hooks", project / "hooks")
    code, data, _ = dry_run(project, ".", "-m", "gpt-5", "-p", "x")
    assert code == 0
    assert [f["path"] for f in data["files"]] == ["good.py"]
    reasons = {s["path"]: s["reason"] for s in data["skipped"]}
    assert reasons["cfg"] == "inside .git/: ignored (built-in rule: .git)"
    assert reasons["hooks"] == "inside .git/: ignored (built-in rule: .git)"
    named = (".git", ".git/config", ".git/hooks", "cfg", "node_modules/left/index.js")
    code, data, err = dry_run(project, *named, "-m", "gpt-5", "-p", "x")
    assert code == 3
    assert data["package"]["files"] == 0
    assert kinds(data) == ["unpackable"] * len(named)
    assert "ghp_notarealtoken" not in json.dumps(data) + err
    refused = sorted(b.split(": cannot be packaged: ")[0] for b in data["blockers"])
    assert refused == [".git", ".git/config", ".git/config", ".git/hooks", named[-1]]  # cfg too
    assert (
        ".git/config: cannot be packaged: inside .git/: ignored (built-in rule: .git); "
        "never packaged"
    ) in data["blockers"]


def test_a_project_kept_under_a_folder_named_build_is_not_ignored(tmp_path: Path) -> None:
    root = write(tmp_path / "build" / "project" / "app.py", "x = 1\n").parent
    selection = select_files([root / "app.py", root], Settings(allowed_roots=(root,)))
    assert [f.path for f in selection.files] == ["app.py"]
    assert selection.unpackable == ()


def test_an_empty_prompt_is_refused_as_send_refuses_it(project: Path) -> None:
    code, data, err = dry_run(project, "good.py", "-m", "gpt-5")
    assert code == 3
    assert data["blockers"] == ["the prompt is empty"] and kinds(data) == ["empty-prompt"]
    assert err == ""  # --json: the reasons are in the JSON
    assert main(["dry-run", "good.py", "-m", "gpt-5", "-p", "  \n"]) == 3


def test_an_empty_package_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "empty").mkdir()
    assert main(["dry-run", "empty", "-m", "gpt-5", "-p", "x", "--json"]) == 3
    data = json.loads(capsys.readouterr().out)
    assert kinds(data) == ["empty-package"]
    write(project / "only" / ".env", "API_TOKEN=abc123\n")
    assert main(["dry-run", "only", "-m", "gpt-5", "-p", "x", "--exclude-secrets"]) == 3
    assert "the package is empty" in capsys.readouterr().err


def test_each_model_shows_its_key_and_a_missing_key_refuses(
    project: Path, capsys: pytest.CaptureFixture[str], memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.set_password("fiedler", "gemini", "test-gemini-key")
    argv = ["dry-run", "good.py", "-m", "gpt-5", "-m", "sonnet", "-m", "gemini-2.5-pro", "-p", "x"]
    assert main(argv) == 3
    captured = capsys.readouterr()
    rows = {line.split()[0]: line.split()[-1] for line in captured.out.splitlines() if line}
    assert (rows["gpt-5"], rows["claude-sonnet"], rows["gemini-2.5-pro"]) == (
        "env",
        "missing",
        "keyring",
    )
    assert captured.err.splitlines() == [
        "fiedler: cannot send: no API key for anthropic (needed by claude-sonnet); "
        "run `fiedler keys set anthropic` or set ANTHROPIC_API_KEY"
    ]
    assert main([*argv, "--json"]) == 3
    data = json.loads(capsys.readouterr().out)
    assert [m["key"] for m in data["models"]] == ["env", "missing", "keyring"]
    assert data["blocker_details"] == [
        {
            "kind": "missing-key",
            "message": "no API key for anthropic (needed by claude-sonnet)",
            "provider": "anthropic",
        }
    ]
    memory_keyring.set_password("fiedler", "anthropic", "sk-ant-test")
    assert main(argv) == 0


def test_the_selection_tells_named_from_folder_files(root: Path, settings: Settings) -> None:
    write(root / "pkg" / "blob.bin", b"\x00" * 4)
    write(root / "pkg" / "ok.py", "x = 1\n")
    blob = str(root / "pkg" / "blob.bin")
    named = select_files([blob, root / "pkg" / "ok.py"], settings)
    assert [(s.path, s.code) for s in named.unpackable] == [("pkg/blob.bin", SkipCode.BINARY)]
    from_folder = select_files([blob, root / "pkg" / "ok.py"], settings, from_folders={blob})
    assert from_folder.unpackable == ()
    assert [(s.path, s.explicit) for s in from_folder.skipped] == [("pkg/blob.bin", False)]
