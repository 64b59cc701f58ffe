"""Compose with egress rules: a model the rules forbid a selected file blocks the send (naming the
rule), its count endpoint never receives the package, and f7 gives it a reduced package instead,
which the send then delivers without the file."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Static

from fiedler_tui.core.config.loader import parse_config
from fiedler_tui.core.keys import KeyStore
from fiedler_tui.core.send import SendSession
from fiedler_tui.core.settings import Settings
from fiedler_tui.core.simulator import ModelScript, SimulatedModel, Simulator
from fiedler_tui.core.simulator.models_yaml import config_text, scripts_for
from tests.tui.test_compose import (
    blockers,
    choose_models,
    compose_screen,
    make_app,
    select_file,
    settle,
    type_prompt,
)

from .conftest import ACME_MARKER

MODELS = [
    SimulatedModel(name="claude", kind="anthropic", script=ModelScript(reply="fine")),
    SimulatedModel(name="local", kind="openai-compatible", script=ModelScript(reply="fine")),
]
RULES = "egress:\n  rules:\n    - path: clients/acme/\n      to: [local]\n"


async def test_compose_refuses_then_reduces_and_the_file_never_reaches_the_model(
    tmp_path: Path,
) -> None:
    project = tmp_path / "project"
    (project / "clients" / "acme").mkdir(parents=True)
    (project / "app.py").write_text("def main():\n    return 42\n")
    (project / "clients" / "acme" / "deal.py").write_text(f'TERMS = "{ACME_MARKER}"\n')
    async with Simulator(scripts_for(MODELS)) as sim:
        config = parse_config(config_text(sim.base_url, MODELS) + RULES, "models.yaml")
        app = make_app(project, config=config, keystore=KeyStore(env={}))
        async with app.run_test(size=(160, 40)) as pilot:
            await settle(pilot)
            screen = compose_screen(app)
            await choose_models(pilot, "claude", "local")
            await select_file(pilot, "app.py")
            await select_file(pilot, "deal.py")
            await type_prompt(pilot, "Review.")
            await pilot.press("f6")  # count by API: the package goes to count endpoints
            await settle(pilot)
            shown = blockers(screen)
            assert "claude may not receive 1 file of the package" in shown
            assert "'clients/acme/' to local" in shown
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.started == []

            await pilot.press("f7")
            await settle(pilot)
            assert screen.egress_reduce and "may not receive" not in blockers(screen)
            notices = str(screen.query_one("#notices", Static).render())
            assert "egress: claude gets a reduced package: 1 file, " in notices
            assert "without clients/acme/deal.py" in notices
            await pilot.press("ctrl+s")
            await settle(pilot)
            [(result, aliases)] = app.started
        assert [f.path for f in result.preview_for("claude").files] == ["app.py"]
        assert len(result.preview_for("local").files) == 2
        by_alias = {m.alias: m.input_tokens for m in result.models}
        assert by_alias["claude"] < by_alias["local"]
        session = SendSession(
            config=config,
            settings=Settings(allowed_roots=(project,), output_dir=tmp_path / "runs"),
            keys={},
            result=result,
            aliases=list(aliases),
        )
        session.preflight()
        async with session:
            async for _ in session.events():
                pass
        assert session.status == "done"
        reached = {r.prefix for r in sim.requests if ACME_MARKER in json.dumps(r.body)}
        assert reached == {"sim-openai-compatible"}  # counted and sent to local only
        to_claude = [r.path for r in sim.requests if r.prefix == "sim-anthropic"]
        assert "/sim-anthropic/v1/messages" in to_claude  # claude got its reduced package
