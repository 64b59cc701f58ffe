"""The Run screen's thinking part: the reasoning apart from the answer, collapsed, toggled by t."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from fiedler_tui.core.simulator.models_yaml import SimulatedModel
from fiedler_tui.core.simulator.script import ModelScript
from fiedler_tui.core.store.run_store import RunStore
from fiedler_tui.tui.screens.review import ReviewScreen
from fiedler_tui.tui.screens.run import RunScreen
from fiedler_tui.tui.widgets.output_pane import OutputPane

from .test_run_screen_support import run_to_end, run_world, wait_until

THOUGHTS = "Read the loop first, then check the [bold]timeouts[/bold]."
REPLY = "Both are fine. " * 5


async def test_thinking_has_its_own_collapsible_part_toggled_by_t(tmp_path: Path) -> None:
    models = [
        SimulatedModel(
            name="claude",
            kind="anthropic",
            script=ModelScript(reply=REPLY, thoughts=THOUGHTS),
            reasoning={
                "thinking_budget_range": [1024, 3000],
                "thinking_optional": True,
                "thinking_budget": 1024,
            },
        ),
        SimulatedModel(name="plain", kind="openai", script=ModelScript(reply=REPLY)),
    ]
    async with run_world(tmp_path, models) as world:
        session = world.session(["claude", "plain"])
        app = world.app(session)
        async with app.run_test(size=(150, 40)) as pilot:
            screen = await run_to_end(pilot, session)
            claude, plain = screen.pane("claude"), screen.pane("plain")
            assert claude.text == REPLY  # the answer alone
            assert THOUGHTS not in claude.text
            part = claude.thinking
            assert part.text == THOUGHTS  # literal: no markup interpreted
            assert part.display and not part.expanded
            assert not part.body.display  # collapsed to its title
            assert str(part.title.render()) == f"▸ thinking · {len(THOUGHTS):,} chars · t"
            assert not plain.thinking.display  # no thinking, no part
            # until usage is reported, the estimate counts the thinking too (it is output)
            state = claude.state
            assert state.chars == len(REPLY) + len(THOUGHTS)
            await pilot.press("t")
            await pilot.pause()
            assert part.expanded and part.body.display
            assert part.body.region.height > 0
            assert str(part.title.render()).startswith("▾ thinking")
            assert not plain.thinking.display
            await pilot.press("t")
            await pilot.pause()
            assert not part.expanded and not part.body.display
            await pilot.click(part.title)
            await pilot.pause()
            assert part.expanded


async def test_review_shows_the_thinking_with_t_live_and_from_the_saved_run(
    tmp_path: Path,
) -> None:
    models = [
        SimulatedModel(
            name="local",
            kind="openai-compatible",
            script=ModelScript(reply=REPLY, thoughts=THOUGHTS),
        ),
        SimulatedModel(name="plain", kind="openai", script=ModelScript(reply=REPLY)),
    ]
    async with run_world(tmp_path, models) as world:
        session = world.session(["local", "plain"], no_disk=False)
        app = world.app(session)
        async with app.run_test(size=(150, 40)) as pilot:
            screen = RunScreen(session)
            await app.push_screen(screen)
            await wait_until(pilot, lambda: screen.finished)
            await pilot.press("r")
            await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
            review = app.screen
            assert isinstance(review, ReviewScreen)
            left, right = (
                review.query_one("#pane-left", OutputPane),
                review.query_one("#pane-right", OutputPane),
            )
            await wait_until(pilot, lambda: left.text == REPLY)
            table = review.query_one("#review-summary", DataTable)
            words = len(THOUGHTS.split())
            assert (
                str(table.get_row_at(0)[4]) == f"{len(REPLY.split()) + words} (reasoning {words})"
            )
            await pilot.press("t")
            await wait_until(pilot, lambda: left.text == THOUGHTS)
            assert "thinking" in str(left.border_title)
            assert right.text == "(this model streamed no thinking)"
            await pilot.press("t")
            await wait_until(pilot, lambda: left.text == REPLY)

            info = RunStore(world.output_dir).find(str(session.run_id))
            saved = ReviewScreen.from_saved(info)
            await app.push_screen(saved)
            await wait_until(pilot, lambda: "local" in saved.thinking)
            assert saved.thinking["local"] == THOUGHTS
            await pilot.press("t")
            pane = saved.query_one("#pane-left", OutputPane)
            await wait_until(pilot, lambda: pane.text == THOUGHTS)
