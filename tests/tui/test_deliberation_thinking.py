"""The Deliberation screen's panes show a member's thinking apart from its answer; t toggles."""

from __future__ import annotations

from pathlib import Path

from fiedler_tui.core.simulator.demo import STEADY_THINKING
from fiedler_tui.tui.app import FiedlerApp

from .test_deliberation import crosstalk_compose, project, start_deliberation
from .test_run_screen_support import wait_until


async def test_a_members_thinking_is_its_own_part_of_its_pane(tmp_path: Path) -> None:
    root, settings = project(tmp_path)
    app = FiedlerApp(settings=settings, demo=True)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await crosstalk_compose(pilot, root)
        screen.crosstalk.paradigm = "relay"  # one lap: each member once
        screen.action_refresh()
        delib = await start_deliberation(pilot)

        def steady_thought() -> bool:
            panes = [p for p in delib.panes if p.alias.startswith("demo-steady")]
            return bool(panes) and panes[0].thinking.text == STEADY_THINKING

        await wait_until(pilot, steady_thought, limit_s=30)
        pane = next(p for p in delib.panes if p.alias.startswith("demo-steady"))
        assert STEADY_THINKING not in pane.text
        assert pane.thinking.display and not pane.thinking.expanded
        await pilot.press("t")
        await pilot.pause()
        assert pane.thinking.expanded and delib.thinking_shown
        await wait_until(pilot, lambda: delib.finished, limit_s=30)
