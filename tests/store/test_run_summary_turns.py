"""The typed run summary's follow-up turns (``turns``, as the run's summary lists them): read
typed, absent from runs never followed up (version-1 files included), and counted in the run's
whole cost."""

from __future__ import annotations

import json
from typing import Any

from fiedler_tui.core.store.run_summary import FollowUpSummary, PromptSummary, RunSummary

from .v1_runs import FIXTURES, SEND


def test_a_run_never_followed_up_has_no_turns_and_costs_its_first_turn() -> None:
    raw = json.loads((FIXTURES / SEND / "summary.json").read_text("utf-8"))
    assert "turns" not in raw
    run = RunSummary.from_json(raw)
    assert run.turns == () and run.total_cost_usd == raw["cost_usd"]
    assert RunSummary.from_json({"status": "done"}).total_cost_usd is None


def test_listed_turns_read_typed_and_add_to_the_whole_cost() -> None:
    raw: dict[str, Any] = {
        "summary_version": 1,
        "status": "done",
        "cost_usd": 0.25,
        "turns": [
            {
                "turn": 2,
                "folder": "turns/2",
                "status": "done",
                "models": ["fast"],
                "started_at": "2026-12-07T03:00:00.000+00:00",
                "question": {"sha256": "ab" * 32, "chars": 7, "text": "and now"},
                "cost_usd": 0.125,
                "unknown": "kept out",
            },
            {"turn": 3, "status": "running", "models": ["fast", "claude"], "cost_usd": None},
        ],
    }
    run = RunSummary.from_json(raw)
    assert run.turns == (
        FollowUpSummary(
            turn=2,
            folder="turns/2",
            status="done",
            models=("fast",),
            started_at="2026-12-07T03:00:00.000+00:00",
            question=PromptSummary("ab" * 32, 7, "and now"),
            cost_usd=0.125,
        ),
        FollowUpSummary(turn=3, status="running", models=("fast", "claude")),
    )
    assert run.total_cost_usd == 0.375
    assert RunSummary.from_json({**raw, "cost_usd": None}).total_cost_usd == 0.125
