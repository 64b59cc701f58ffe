"""Exact counts kept between processes (``token-counts.json``): a later dry run counts only the
files that changed, with the same figures; no disk means no store; a broken store is ignored."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fiedler_tui.core.budget import DryRunEngine, DryRunOptions
from fiedler_tui.core.config.schema import ModelSpec
from fiedler_tui.core.locations import user_state_dir
from fiedler_tui.core.secrets.policy import SecretPolicy
from fiedler_tui.core.settings import Settings
from fiedler_tui.core.tokens.count_store import FILE_NAME, CountStore
from tests.dryrun.conftest import write
from tests.dryrun.test_cold_path import EXPECTED_FILES, EXPECTED_PACKAGE, fixed_tree

pytestmark = pytest.mark.timeout(60)
REPO = Path(__file__).resolve().parents[2]


def store_path() -> Path:
    return user_state_dir() / FILE_NAME


def stored_counts() -> dict[str, int]:
    counts: dict[str, int] = json.loads(store_path().read_text())["counts"]
    return counts


def set_every_count(value: int) -> None:
    data = json.loads(store_path().read_text())
    data["counts"] = dict.fromkeys(data["counts"], value)
    store_path().write_text(json.dumps(data))


def dry_run_json(root: Path, *env_extra: tuple[str, str]) -> dict[str, Any]:
    env = {
        **os.environ,
        "FIEDLER_ALLOWED_FILE_ROOTS": str(root),
        "OPENAI_API_KEY": "sk-test-openai",
        **dict(env_extra),
    }
    argv = [sys.executable, "-m", "fiedler_tui.cli", "--config", str(REPO / "models.yaml")]
    argv += ["dry-run", ".", "-m", "gpt-5", "-p", "Review these files.", "--mask-secrets"]
    done = subprocess.run(
        [*argv, "--json"], cwd=root, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def file_tokens(data: dict[str, Any]) -> dict[str, int]:
    return {f["path"]: f["tokens"]["o200k_base"] for f in data["files"]}


def test_a_later_process_takes_unchanged_files_counts_from_the_store(root: Path) -> None:
    fixed_tree(root)
    first = dry_run_json(root)
    assert first["package"] == EXPECTED_PACKAGE
    assert stat.S_IMODE(store_path().stat().st_mode) == 0o600
    # one count per unmasked file; the masked one depends on the scanner's rules: never kept
    assert len(stored_counts()) == len(EXPECTED_FILES) - 1
    assert all(key.startswith("o200k_base:") for key in stored_counts())
    assert not any("settings.py" in key or "README" in key for key in stored_counts())

    again = dry_run_json(root)
    assert again == first  # the same figures, from the store

    set_every_count(7)  # only a count read from the store can be 7
    write(root / "src" / "app.py", "def main():\n    return 43\n")  # changed: counted again
    changed = dry_run_json(root)
    tokens = file_tokens(changed)
    assert tokens["src/app.py"] == file_tokens(first)["src/app.py"]
    assert tokens["config/settings.py"] == 39  # masked: counted, not stored
    assert all(
        tokens[path] == 7 for path in tokens if path not in ("src/app.py", "config/settings.py")
    )


def test_no_disk_neither_reads_nor_writes_the_store(root: Path) -> None:
    fixed_tree(root)
    dry_run_json(root)
    set_every_count(7)
    data = dry_run_json(root, ("FIEDLER_NO_DISK", "1"))
    assert data["package"] == EXPECTED_PACKAGE
    assert 7 not in file_tokens(data).values()
    assert set(stored_counts().values()) == {7}


@pytest.mark.parametrize(
    "broken", [b"{not json", b'{"format": 99, "counts": {}}', b'{"format": 1, "counts": [1]}']
)
def test_a_broken_store_is_ignored_and_replaced(
    broken: bytes, root: Path, settings: Settings, make_model: Callable[..., ModelSpec]
) -> None:
    fixed_tree(root)
    store_path().parent.mkdir(parents=True, exist_ok=True)
    store_path().write_bytes(broken)
    options = DryRunOptions(prompt="Review these files.", secret_policy=SecretPolicy.MASK)
    with DryRunEngine(settings) as engine:
        result = engine.run([root], [make_model()], options)
        assert engine.counter.stored_hits == 0
    assert result.preview.sha256 == EXPECTED_PACKAGE["sha256"]
    assert len(stored_counts()) == len(EXPECTED_FILES) - 1
    with DryRunEngine(settings) as engine:
        again = engine.run([root], [make_model()], options)
        assert engine.counter.stored_hits == len(EXPECTED_FILES) - 1
    assert [f.tokens for f in again.files] == [f.tokens for f in result.files]


def test_the_store_keeps_the_most_recent_counts_within_its_size(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("fiedler_tui.core.tokens.count_store.MAX_ENTRIES", 3)
    path = tmp_path / "state" / FILE_NAME
    first = CountStore(path)
    for n in range(5):
        first.put("o200k_base", f"id{n}", n)
    first.save()
    other = CountStore(path)  # another process adds one
    other.put("o200k_base", "id9", 9)
    other.save()
    kept = CountStore(path)
    assert [kept.get("o200k_base", f"id{n}") for n in (2, 3, 4, 9)] == [None, 3, 4, 9]


def test_a_save_keeps_what_another_process_saved_since_the_store_was_read(tmp_path: Path) -> None:
    path = tmp_path / "state" / FILE_NAME
    ours = CountStore(path)
    assert ours.get("o200k_base", "a") is None  # read now (no file yet)
    theirs = CountStore(path)
    theirs.put("o200k_base", "b", 2)
    theirs.save()
    ours.put("o200k_base", "a", 1)
    ours.save()
    ours.put("o200k_base", "c", 3)
    ours.save()  # the file is as this store wrote it: not read again, nothing lost
    final = CountStore(path)
    assert [final.get("o200k_base", k) for k in "abc"] == [1, 2, 3]
