"""Opening the app loads only what its first frame needs; the rest loads after it.

The dry-run engine (tiktoken), the key store (keyring), the network (httpx2), models.yaml's
loader and schema (PyYAML, pydantic), the folder-listing rules, the simulator and the Run screen
are imported after the first frame, in workers. This test pins that, so an innocent top-level import cannot bring the slow start back
(the figures are in bench/README.md, "First paint").
"""

from __future__ import annotations

import subprocess
import sys

DEFERRED = (
    "pydantic",
    "yaml",
    "fiedler_tui.core.config.loader",
    "fiedler_tui.core.files.ignore",
    "fiedler_tui.core.files.walk",
    "fiedler_tui.core.store.summary",
    "fiedler_tui.core.store.private_files",
    "httpx2",
    "keyring",
    "tiktoken",
    "fiedler_tui.core.budget",
    "fiedler_tui.core.tokens",
    "fiedler_tui.core.secrets.scan",
    "fiedler_tui.core.config.schema",
    "fiedler_tui.core.keys",
    "fiedler_tui.core.send",
    "fiedler_tui.core.runner",
    "fiedler_tui.core.providers",
    "fiedler_tui.core.simulator",
    "fiedler_tui.core.store.run_store",
    "fiedler_tui.tui.screens.run",
    "fiedler_tui.tui.screens.review",
    "fiedler_tui.tui.screens.history",
    "fiedler_tui.tui.screens.keys",
)


def loaded_after(code: str) -> list[str]:
    probe = f"{code}\nimport sys\nprint('\\n'.join(m for m in {DEFERRED!r} if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    return out.stdout.split()


def test_the_entry_point_and_the_app_module_import_nothing_deferred() -> None:
    assert loaded_after("import fiedler_tui.cli, fiedler_tui.tui.app") == []


def test_the_same_modules_do_load_once_the_app_needs_them() -> None:
    # The probe itself can see them: a guard against a DEFERRED list that no longer matches.
    loaded = loaded_after(
        "import fiedler_tui.tui.app, fiedler_tui.core.budget.dry_run, fiedler_tui.core.send\n"
        "import fiedler_tui.core.simulator.demo, fiedler_tui.tui.screens.run\n"
        "import fiedler_tui.tui.screens.review, fiedler_tui.tui.screens.history\n"
        "import fiedler_tui.tui.screens.keys, fiedler_tui.core.store.run_store"
    )
    assert set(loaded) == set(DEFERRED)
