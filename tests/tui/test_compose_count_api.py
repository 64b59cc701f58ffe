"""Compose's f6 toggle: hosted providers' count endpoints are asked only once it is on."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from fiedler_tui.core.keys import KeyStore
from fiedler_tui.core.simulator import Fault, FaultKind, ModelScript, SimulatedModel, Simulator
from fiedler_tui.core.simulator.models_yaml import scripts_for, simulated_config
from fiedler_tui.tui.widgets.budget_table import BudgetTable
from tests.tui.test_compose import compose_screen, make_app, select_file, settle

MODELS = [
    SimulatedModel(name="claude", kind="anthropic"),
    SimulatedModel(
        name="gem",
        kind="gemini",
        script=ModelScript(count_fault=Fault.of(FaultKind.UNAUTHORIZED)),
    ),
    SimulatedModel(name="local", kind="openai-compatible"),
]


def counts(sim: Simulator, suffix: str) -> int:
    return sum(1 for r in sim.requests if r.path.endswith(suffix))


async def test_f6_asks_hosted_count_endpoints_and_shows_why_one_failed(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "main.py").write_text("def main() -> None:\n    print('hello')\n" * 20)
    async with Simulator(scripts_for(MODELS)) as sim:
        config = simulated_config(sim.base_url, MODELS)
        app = make_app(project, config=config, keystore=KeyStore(env={}))
        async with app.run_test(size=(160, 40)) as pilot:
            await settle(pilot)
            screen = compose_screen(app)
            await select_file(pilot, "main.py")
            result = screen.result
            assert result is not None
            methods = {m.alias: str(m.count_method) for m in result.models}
            assert methods == {"claude": "estimate", "gem": "estimate", "local": "api"}
            assert counts(sim, "/count_tokens") == 0 and counts(sim, ":countTokens") == 0
            assert counts(sim, "/tokenize") >= 1

            await pilot.press("f6")
            await settle(pilot)
            result = screen.result
            assert result is not None and screen.count_api
            by_alias = {m.alias: m for m in result.models}
            assert str(by_alias["claude"].count_method) == "api"
            assert by_alias["claude"].input_range is None
            assert by_alias["gem"].count_fallback is not None
            shown = screen.query_one(BudgetTable).column("count")
            assert shown["claude"] == "api"
            assert shown["gem"] == "estimate (count failed)"
            notices = str(screen.query_one("#notices", Static).render())
            assert "gem: estimate (count endpoint failed: 400 " in notices
            asked = counts(sim, "/count_tokens")
            assert asked == 1

            await pilot.press("f6")  # off again: the estimate, and no new count request
            await settle(pilot)
            result = screen.result
            assert result is not None and not screen.count_api
            claude = next(m for m in result.models if m.alias == "claude")
            assert str(claude.count_method) == "estimate"
            assert counts(sim, "/count_tokens") == asked
