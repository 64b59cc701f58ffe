"""A follow-up's reasoning controls in the app, driven by the pilot against the loopback
simulator: by default each model is sent what its turn 1 was (not the models.yaml default);
``ctrl+r``/``ctrl+o`` override it, judged by the preview as a send's values are."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Input, Label, Static

from fiedler_tui.core.budget import DryRunEngine, DryRunOptions
from fiedler_tui.core.config.reasoning import ReasoningChoice
from fiedler_tui.core.send import SendSession
from fiedler_tui.tui.screens.follow_up import FollowUpScreen
from fiedler_tui.tui.screens.run import RunScreen
from tests.support.follow_up_reasoning import reasoning_models

from .test_run_screen_support import RunWorld, review_after_run, run_world, wait_until


def first_session(world: RunWorld) -> SendSession:
    """Turn 1 sent with effort high and a 2,048-token budget (not the models' defaults)."""
    settings = world.settings()
    aliases = ["thinker", "reasoner"]
    options = DryRunOptions(prompt="please review", reasoning=ReasoningChoice("high", 2048))
    with DryRunEngine(settings) as engine:
        result = engine.run([world.project], [world.config.resolve(a) for a in aliases], options)
    session = SendSession(
        config=world.config,
        settings=settings,
        keys={name: None for name in world.config.providers},
        result=result,
        aliases=aliases,
    )
    session.preflight()
    return session


async def test_follow_up_keeps_turn_one_reasoning_and_keys_override_it(tmp_path: Path) -> None:
    async with run_world(tmp_path, reasoning_models()) as world:
        session = first_session(world)
        app = world.app(session)
        async with app.run_test(size=(150, 40)) as pilot:
            _, info = await review_after_run(pilot, world, session)

            await pilot.press("F")
            modal = app.screen
            assert isinstance(modal, FollowUpScreen)
            modal.query_one("#follow-up-question", Input).value = "and then?"
            modal.query_one("#follow-up-first-prompt", Input).value = "please review"
            await pilot.press("enter")
            await wait_until(pilot, lambda: modal.preview is not None and not modal._busy)

            def shown() -> str:
                return str(modal.query_one("#follow-up-preview", Static).render())

            assert modal.preview is not None and modal.preview.sendable, shown()
            assert "(thinking 2,048 + answer 6,144)" in shown()  # turn 1's, not 1,500
            assert "(reasoning high + answer)" in shown()  # turn 1's, not low

            await pilot.press("ctrl+r")  # minimal: the reasoner does not take it
            label = str(modal.query_one("#follow-up-reasoning", Label).render())
            assert "reasoning effort: minimal" in label
            assert modal.preview is None and shown() == ""
            await pilot.press("enter")
            await wait_until(pilot, lambda: modal.preview is not None and not modal._busy)
            assert modal.preview is not None and not modal.preview.sendable
            assert "reasoner takes reasoning effort low, medium, high, not 'minimal'" in shown()

            await pilot.press("ctrl+r", "ctrl+o")  # low; thinking off
            label = str(modal.query_one("#follow-up-reasoning", Label).render())
            assert "thinking: off" in label
            await pilot.press("enter")
            await wait_until(pilot, lambda: modal.preview is not None and not modal._busy)
            assert modal.preview is not None and modal.preview.sendable, shown()
            assert "(reasoning low + answer)" in shown() and "thinking 2,048" not in shown()
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, RunScreen))
            turn = app.screen
            assert isinstance(turn, RunScreen)
            await wait_until(pilot, lambda: turn.finished)

    assert "thinking" not in world.sim.requests_for("thinker")[-1].body
    assert world.sim.requests_for("reasoner")[-1].body["reasoning_effort"] == "low"
    turn2 = json.loads((info.path / "turns" / "2" / "summary.json").read_text())
    records = {m["alias"]: m for m in turn2["models"]}
    assert records["thinker"]["thinking_budget"] == 0
    assert records["reasoner"]["reasoning_effort"] == "low"
