"""Runs saved by fiedler before the typed summary (summary version 1), copied for a test.

``fixtures/v1`` holds three run folders exactly as ``fiedler --demo send``, ``fiedler --demo
crosstalk --paradigm report`` and a send with a failing model wrote them (outputs included): a
send of three models (one retried after a 429), a report deliberation with a chair, and a send
with redacted file names whose second model failed mid-stream.
"""

from __future__ import annotations

import shutil
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "v1"
SEND = "20261207-024611-62baae"
DELIBERATION = "20261207-024620-64411a"
FAILED = "20261207-024632-dfeeaa"


def copy_v1_runs(runs: Path) -> Path:
    """The three version-1 runs copied into ``runs`` (created); returns ``runs``."""
    runs.mkdir(parents=True, exist_ok=True)
    for run_id in (SEND, DELIBERATION, FAILED):
        shutil.copytree(FIXTURES / run_id, runs / run_id)
    return runs
