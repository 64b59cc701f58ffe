"""The core never imports Textual: checked by import-linter and by importing it for real."""

from __future__ import annotations

import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import fiedler_tui.core

ROOT = Path(__file__).resolve().parents[2]


def test_import_linter_contracts_hold() -> None:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint is not None, "import-linter is a test dependency"
    result = subprocess.run([lint], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "KEPT" in result.stdout and "BROKEN" not in result.stdout


def test_importing_every_core_module_loads_no_textual() -> None:
    modules = [
        m.name for m in pkgutil.walk_packages(fiedler_tui.core.__path__, "fiedler_tui.core.")
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(len(sys.modules)); assert not bad, bad\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert len(modules) >= 8


def test_packaged_data_matches_the_top_level_files() -> None:
    from importlib import resources

    data = resources.files("fiedler_tui").joinpath("data")
    assert data.joinpath("models.yaml").read_text() == (ROOT / "models.yaml").read_text()
    themes = sorted(p.name for p in (ROOT / "themes").iterdir() if p.suffix == ".toml")
    packaged = sorted(p.name for p in data.joinpath("themes").iterdir() if p.name.endswith(".toml"))
    assert themes == packaged and len(themes) >= 3
