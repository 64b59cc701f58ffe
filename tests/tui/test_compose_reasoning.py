"""Compose's reasoning keys: ctrl+r cycles the effort, ctrl+o the thinking budget, judged by the
preview like everything else (a value a selected model cannot take is a reason not to send)."""

from __future__ import annotations

from pathlib import Path

from fiedler_tui.core.keys import KeyStore
from fiedler_tui.core.simulator import SimulatedModel, Simulator
from fiedler_tui.core.simulator.models_yaml import scripts_for, simulated_config
from fiedler_tui.tui.widgets.budget_table import BudgetTable
from tests.tui.test_compose import blockers, compose_screen, make_app, select_file, settle

MODELS = [
    SimulatedModel(
        name="claude",
        kind="anthropic",
        max_completion_tokens=4096,
        reasoning={"thinking_budget_range": [1024, 32000], "thinking_optional": True},
    ),
    SimulatedModel(name="plain", kind="openai"),
]


async def test_ctrl_r_and_ctrl_o_set_the_send_reasoning_through_the_preview(
    tmp_path: Path,
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "main.py").write_text("print('hello')\n")
    async with Simulator(scripts_for(MODELS)) as sim:
        config = simulated_config(sim.base_url, MODELS)
        app = make_app(project, config=config, keystore=KeyStore(env={}))
        async with app.run_test(size=(160, 40)) as pilot:
            await settle(pilot)
            screen = compose_screen(app)
            await select_file(pilot, "main.py")
            await pilot.press("ctrl+o", "ctrl+o")  # off, then 1,024
            await settle(pilot)
            result = screen.result
            assert result is not None and screen.fresh
            assert result.reasoning.thinking_budget == 1024
            claude = next(m for m in result.models if m.alias == "claude")
            assert claude.thinking_budget == 1024
            assert claude.reserve_label == "4,096 (thinking 1,024 + answer 3,072)"
            reserves = screen.query_one(BudgetTable).column("reserve")
            assert reserves == {"claude": "4,096 (1,024 thinking)", "plain": "4,096"}
            assert not [b for b in result.blockers if str(b.kind) == "reasoning"]
            messages = [n.message for n in app._notifications]
            assert any(m.startswith("thinking budget: 1,024 tokens") for m in messages)

            await pilot.press("ctrl+o", "ctrl+o")  # 4,096 and then 8,192: not below the reserve
            await settle(pilot)
            assert "claude: thinking budget 8,192 must be smaller than" in blockers(screen)

            await pilot.press("ctrl+r")  # minimal: neither model takes an effort
            await settle(pilot)
            shown = blockers(screen)
            assert "none of the models takes a reasoning effort (claude, plain)" in shown
            assert sim.requests_for("claude") == []
