"""A follow-up from Review, driven by the pilot against the loopback simulator: the question,
the run's prompt typed again (it was not saved), the preview of the whole conversation, the Run
screen streaming the turn, then Review and History showing each model's thread and the cost of
every turn."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import DataTable, Input, Static

from fiedler_tui.core.simulator.models_yaml import SimulatedModel
from fiedler_tui.core.simulator.script import ModelScript
from fiedler_tui.tui.screens.follow_up import FollowUpScreen
from fiedler_tui.tui.screens.history import HistoryScreen
from fiedler_tui.tui.screens.review import ReviewScreen, money
from fiedler_tui.tui.screens.run import RunScreen

from .test_compose import settle
from .test_run_screen_support import review_after_run, run_world, wait_until

FAST = "\n\n".join(["All good."] * 30)  # taller than a pane: the thread scrolls
CLAUDE = "Looks fine. " * 15


def models() -> list[SimulatedModel]:
    return [
        SimulatedModel(name="fast", script=ModelScript(reply=FAST), price_in=30, price_out=60),
        SimulatedModel(
            name="claude", kind="anthropic", script=ModelScript(reply=CLAUDE), price_in=15
        ),
    ]


async def test_follow_up_from_review_streams_and_shows_the_thread(tmp_path: Path) -> None:
    async with run_world(tmp_path, models()) as world:
        session = world.session(["fast", "claude"], no_disk=False)
        app = world.app(session)
        async with app.run_test(size=(150, 40)) as pilot:
            review, info = await review_after_run(pilot, world, session)
            assert review.texts["fast"] == FAST and review.turns == 1

            await pilot.press("f")  # the left pane's model: fast
            modal = app.screen
            assert isinstance(modal, FollowUpScreen) and modal.aliases == ["fast"]
            modal.query_one("#follow-up-question", Input).value = "why 42?"
            await pilot.press("enter")
            await wait_until(pilot, lambda: modal.preview is not None)
            assert modal.preview is not None and modal.preview.needs_prompt
            field = modal.query_one("#follow-up-first-prompt", Input)
            assert field.display and field.has_focus
            field.value = "not the prompt"
            await pilot.press("enter")
            await wait_until(pilot, lambda: not modal._busy)
            assert modal.preview is not None and modal.preview.needs_prompt  # sha256 differs
            field.value = "please review"
            await pilot.press("enter")
            await wait_until(pilot, lambda: modal.preview is not None and modal.preview.sendable)
            shown = str(modal.query_one("#follow-up-preview", Static).render())
            assert "fast: " in shown and "(3 messages" in shown and "enter sends" in shown
            assert len(world.sim.requests_for("fast")) == 1  # previewing sends nothing

            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, RunScreen))
            turn = app.screen
            assert isinstance(turn, RunScreen) and turn.session.aliases == ["fast"]
            title = str(turn.query_one("#run-title", Static).render())
            assert title == f"Follow-up, turn 2 of run {info.run_id}: 1 model, 1 file"
            await wait_until(pilot, lambda: turn.finished)
            body = world.sim.requests_for("fast")[-1].body["messages"]
            assert [m["role"] for m in body] == ["system", "user", "assistant", "user"]
            assert body[1]["content"].endswith("please review") and "def main" in body[1]["content"]
            assert body[2]["content"] == FAST and body[3]["content"] == "why 42?"
            assert len(world.sim.requests_for("claude")) == 1  # claude was not asked
            await pilot.press("r")  # the run's Review: each model's thread, at the new turn
            await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
            thread_review = app.screen
            assert isinstance(thread_review, ReviewScreen) and thread_review is not review
            await wait_until(pilot, lambda: thread_review.turns == 2)
            await settle(pilot)
            header = str(thread_review.query_one("#review-header", Static).render())
            assert f"run {info.run_id}" in header and "2 turns" in header
            assert "prompt: 7 chars" not in header  # the question ("why 42?") is not the prompt
            assert "**Turn 2 · follow-up**" in thread_review.texts["fast"]
            view = thread_review._panes()[0].view
            assert view.max_scroll_y > 0
            top = view.find_row_texts()[round(view.scroll_y)]
            assert "Turn 2 · follow-up" in top  # the new turn is at the top of the pane
            await pilot.press("f")
            await wait_until(pilot, lambda: isinstance(app.screen, FollowUpScreen))
            assert isinstance(app.screen, FollowUpScreen) and app.screen.folder == info.path
            await pilot.press("escape", "escape")
            await wait_until(pilot, lambda: app.screen is turn)

            await pilot.press("escape")
            await wait_until(pilot, lambda: app.screen is review and review.turns == 2)
            run = json.loads((info.path / "summary.json").read_text())
            turn2 = json.loads((info.path / "turns" / "2" / "summary.json").read_text())
            fast1 = next(m["cost_usd"] for m in run["models"] if m["alias"] == "fast")
            first, second = run["cost_usd"], turn2["cost_usd"]
            assert fast1 > 0 and first > fast1 and second > 0
            thread = review.texts["fast"]
            assert thread.startswith(f"**Turn 1** ({money(fast1)})\n\n" + FAST)
            heading = f"**Turn 2 · follow-up** (done · {money(second)})\n\n> why 42?\n\n"
            assert heading + FAST in thread
            assert review.texts["claude"] == CLAUDE
            header = str(review.query_one("#review-header", Static).render())
            total = money(round(first + second, 6))
            assert f"cost {total} (turn 1 {money(first)}, turn 2 {money(second)})" in header
            assert "2 turns" in header

            await app.push_screen(HistoryScreen())
            await settle(pilot)
            table = app.screen.query_one(DataTable)
            assert str(table.get_row_at(0)[2]) == "fast, claude · 2 turns"
            assert str(table.get_row_at(0)[3]) == total  # every turn's cost, not turn 1's
