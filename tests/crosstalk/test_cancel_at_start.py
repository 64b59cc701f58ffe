"""A deliberation cancelled at any instant of its start is saved as ``cancelled``, never left
``running``: before it is entered, as it is entered, as its first round starts, and as its
first turns open their connections, whether by ``cancel_all()`` (the CLI's Ctrl-C, the app's
C, MCP's cancel) or by cancelling the task that reads its events (the app's worker, a client
gone). Each point is reached through the events themselves, not by waiting."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from fiedler_tui.core.config.loader import parse_config
from fiedler_tui.core.crosstalk import CrosstalkEvent, RoundStarted, TurnEvent
from fiedler_tui.core.crosstalk.session import DeliberationChoices, DeliberationSession
from fiedler_tui.core.runner import FirstToken, Queued, Started
from fiedler_tui.core.simulator import Simulator
from fiedler_tui.core.simulator.models_yaml import config_text
from tests.crosstalk.test_session import models, session_for, setup

BEFORE_SENDING = ("before entering", "entered", "round started")
"""Points where cancel_all() comes before any turn is started: nothing may be sent."""


def _reached(point: str, event: CrosstalkEvent) -> bool:
    if point == "round started":
        return isinstance(event, RoundStarted)
    inner = event.event if isinstance(event, TurnEvent) else None
    kind = {"queued": Queued, "started": Started, "first token": FirstToken}[point]
    return isinstance(inner, kind)


async def _deliberate(session: DeliberationSession, point: str, how: str) -> None:
    def cancel() -> None:
        if how == "cancel_all":
            session.cancel_all()
        else:
            task = asyncio.current_task()
            assert task is not None
            task.cancel()  # raised at the next await inside the deliberation's events

    if point == "before entering":
        cancel()
    async with session:
        if point == "entered":
            cancel()
        waiting = point not in ("before entering", "entered")
        async for event in session.events():
            if waiting and _reached(point, event):
                waiting = False
                cancel()


CASES = [
    *[(point, "cancel_all") for point in (*BEFORE_SENDING, "queued", "started", "first token")],
    *[(point, "task") for point in ("entered", "round started", "queued", "started")],
]


@pytest.mark.parametrize(("point", "how"), CASES)
async def test_a_cancel_at_any_point_of_the_start_is_saved_as_cancelled(
    tmp_path: Path, point: str, how: str
) -> None:
    root, settings = setup(tmp_path)
    sims = models()
    async with Simulator({m.name: m.script for m in sims}) as sim:
        config = parse_config(config_text(sim.base_url, sims), "sim")
        choices = DeliberationChoices(members=("m-openai", "m-anthropic"), rounds=2)
        session = session_for(config, settings, root, choices)
        session.preflight()
        task = asyncio.create_task(_deliberate(session, point, how))
        if how == "task":
            with pytest.raises(asyncio.CancelledError):
                await task
        else:
            await task
        if how == "cancel_all" and point in BEFORE_SENDING:
            assert sim.requests == []
    assert session.status == "cancelled"
    assert session.run_path is not None
    summary = json.loads((session.run_path / "summary.json").read_text())
    assert summary["status"] == "cancelled"
    assert summary["result"]["status"] == "cancelled"
    assert summary["ended_at"] is not None
    assert all(r["round"] == 1 for r in summary["rounds"])  # round 2 never started
