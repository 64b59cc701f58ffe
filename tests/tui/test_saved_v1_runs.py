"""History and Review on runs saved before the typed summary (summary version 1), and a
summary that is malformed: listed with the reason, not opened, no traceback."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import DataTable, Static

from fiedler_tui.tui.screens.deliberation_review import DeliberationReviewScreen
from fiedler_tui.tui.screens.history import HistoryScreen
from fiedler_tui.tui.screens.review import ReviewScreen
from tests.store import v1_runs

from .test_compose import make_app, settle
from .test_history import open_history, rows

MALFORMED = "20261201-100000-abcdef"


def cells(table: DataTable[object]) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_history_and_review_read_version_1_runs(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "a.py").write_text("def f():\n    return 1\n")
    runs = v1_runs.copy_v1_runs(tmp_path / "runs")
    (runs / MALFORMED).mkdir()
    (runs / MALFORMED / "summary.json").write_text(json.dumps({"status": "done", "models": 3}))
    app = make_app(project)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_history(pilot)
        table = rows(screen)
        ids = [v1_runs.FAILED, v1_runs.DELIBERATION, v1_runs.SEND, MALFORMED]
        assert [r[-1] for r in table] == ids
        assert table[0][1:3] == ["partial", "fast, broken"] and table[0][4] == "2"
        assert table[1][2] == "crosstalk: demo-swift, demo-steady, demo-deliberate"
        assert table[2][1:5] == ["done", "demo-swift, demo-steady, demo-busy", "$0.0016", "2"]
        assert table[3][1] == "malformed run summary: models: expected a list, found a number"

        await pilot.press("down", "down", "down", "enter")  # the malformed one: not opened
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert any(n.title == "Cannot open this run" for n in app._notifications)

        await pilot.press("up", "up", "up", "enter")  # the send whose second model failed
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        header = str(review.query_one("#review-header", Static).render())
        assert f"run {v1_runs.FAILED} · partial" in header
        assert "package: 2 files, 185 bytes, 4 lines · prompt: 6 chars (not saved)" in header
        summary = cells(review.query_one("#review-summary", DataTable))
        assert summary[0][:2] == ["fast", "done"]
        assert summary[0][3:6] == ["92 / 112 (estimate) -18%", "40", "stop"]
        assert summary[1][:2] == ["broken", "failed"] and summary[1][-1] == "network"
        errors = str(review.query_one("#review-errors", Static).render())
        assert errors == (
            "broken: network: connection lost: [Errno 104] Connection reset by peer (sim-gemini)"
        )
        assert review.texts["broken"] == "partial words " * 4
        assert review.texts["fast"] == (runs / v1_runs.FAILED / "fast.md").read_text("utf-8")

        await pilot.press("escape", "down", "enter")  # the deliberation
        await settle(pilot)
        deliberation = app.screen
        assert isinstance(deliberation, DeliberationReviewScreen)
        assert deliberation.title_line.startswith(
            f"Deliberation {v1_runs.DELIBERATION} · report · complete · "
            "A=demo-swift, B=demo-steady · chair demo-deliberate · $0.0052 of worst case $0.2310"
        )
        labels = [e.label for e in deliberation.entries]
        assert labels[0].startswith("Result: ") and len(labels) == 6
        assert deliberation.entries[3].detail == "finished · ranks B · $0.0002"
        review_text = (runs / v1_runs.DELIBERATION / "r02-review-demo-swift.md").read_text()
        assert deliberation.entries[3].text == review_text
