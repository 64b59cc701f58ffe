"""The senders check the egress rules themselves: a dry run that was not told the rules (or that
gave a model a reduced package a deliberation cannot use) still sends nothing forbidden."""

from __future__ import annotations

from pathlib import Path

import pytest

from fiedler_tui.core.budget import DryRunEngine, DryRunOptions, DryRunResult, SendBlockedError
from fiedler_tui.core.budget.blockers import BlockerKind
from fiedler_tui.core.config.loader import parse_config
from fiedler_tui.core.config.schema import Config
from fiedler_tui.core.crosstalk.session import DeliberationChoices, DeliberationSession
from fiedler_tui.core.egress.guard import policy_of
from fiedler_tui.core.egress.policy import EgressPolicy
from fiedler_tui.core.send import SendSession
from fiedler_tui.core.settings import Settings
from fiedler_tui.core.simulator import Simulator
from fiedler_tui.core.simulator.models_yaml import config_text, scripts_for

from .conftest import ACME_MARKER, EGRESS, egress_models


def dry_run(
    config: Config,
    settings: Settings,
    root: Path,
    names: list[str],
    egress: EgressPolicy | None = None,
    egress_reduce: frozenset[str] = frozenset(),
) -> DryRunResult:
    options = DryRunOptions(prompt="review", egress=egress, egress_reduce=egress_reduce)
    with DryRunEngine(settings) as engine:
        return engine.run([root], [config.resolve(n) for n in names], options)


def world(tmp_path: Path, sim: Simulator) -> tuple[Config, Settings, Path]:
    models = egress_models()
    config = parse_config(config_text(sim.base_url, models) + EGRESS, "models.yaml")
    root = tmp_path / "project"
    (root / "clients" / "acme").mkdir(parents=True)
    (root / "app.py").write_text("def main():\n    return 42\n")
    (root / "clients" / "acme" / "deal.py").write_text(f'TERMS = "{ACME_MARKER}"\n')
    return config, Settings(allowed_roots=(root,), output_dir=tmp_path / "runs"), root


async def test_send_refuses_a_forbidden_file_the_dry_run_did_not_judge(tmp_path: Path) -> None:
    async with Simulator(scripts_for(egress_models())) as sim:
        config, settings, root = world(tmp_path, sim)
        result = dry_run(config, settings, root, ["hosted-gpt", "llama"])
        assert result.blockers == ()  # not told the rules
        session = SendSession(
            config=config,
            settings=settings,
            keys={},
            result=result,
            aliases=["hosted-gpt", "llama"],
        )
        with pytest.raises(SendBlockedError) as caught:
            session.preflight()
        assert [b.kind for b in caught.value.blockers] == [BlockerKind.EGRESS]
        assert "hosted-gpt may not receive 1 file of the package" in caught.value.problems[0]
        with pytest.raises(SendBlockedError):  # skipping the preflight changes nothing
            async with session:
                pass
        assert sim.requests == []


async def test_a_deliberation_refuses_reduced_members_every_round(tmp_path: Path) -> None:
    async with Simulator(scripts_for(egress_models())) as sim:
        config, settings, root = world(tmp_path, sim)
        names = ["llama", "hosted-gpt"]
        result = dry_run(
            config,
            settings,
            root,
            names,
            egress=policy_of(config, settings),
            egress_reduce=frozenset(names),
        )
        assert result.blockers == () and "hosted-gpt" in result.packages
        session = DeliberationSession(
            config=config,
            settings=settings,
            keys={},
            result=result,
            choices=DeliberationChoices(members=("llama", "hosted-gpt"), rounds=2),
        )
        with pytest.raises(SendBlockedError) as caught:
            session.preflight()
        assert "no reduced package applies" in caught.value.problems[-1]
        with pytest.raises(SendBlockedError):
            async with session:
                pass
        assert sim.requests == []


def test_a_model_the_rules_leave_no_file_is_refused_even_when_reduced(tmp_path: Path) -> None:
    config = parse_config(
        config_text(lambda *_: "http://127.0.0.1:9/v1", egress_models()) + EGRESS, "models.yaml"
    )
    root = tmp_path / "project"
    (root / "clients" / "acme").mkdir(parents=True)
    (root / "clients" / "acme" / "deal.py").write_text(f'TERMS = "{ACME_MARKER}"\n')
    settings = Settings(allowed_roots=(root,), output_dir=tmp_path / "runs")
    policy = policy_of(config, settings)
    names = ["hosted-gpt", "llama"]
    result = dry_run(config, settings, root, names, policy, frozenset(names))
    [blocker] = result.blockers
    assert blocker.kind is BlockerKind.EGRESS
    assert blocker.message.startswith("hosted-gpt: the egress rules leave it no file")
    assert "llama" not in result.withheld


async def test_a_persona_file_is_judged_for_every_member(tmp_path: Path) -> None:
    async with Simulator(scripts_for(egress_models())) as sim:
        config, settings, root = world(tmp_path, sim)
        persona = root / "clients" / "acme" / "voice.md"
        persona.write_text(f"Speak as the acme reviewer ({ACME_MARKER}).\n")
        result = dry_run(config, settings, root / "app.py", ["llama", "hosted-gpt"])
        session = DeliberationSession(
            config=config,
            settings=settings,
            keys={},
            result=result,
            choices=DeliberationChoices(
                members=("llama", "hosted-gpt"), rounds=2, personas={"llama": str(persona)}
            ),
        )
        with pytest.raises(SendBlockedError) as caught:
            session.preflight()
        assert "hosted-gpt may not receive 1 file of the package" in caught.value.problems[0]
        assert str(persona) in caught.value.problems[0]
        assert sim.requests == []
