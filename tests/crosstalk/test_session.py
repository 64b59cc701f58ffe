"""DeliberationSession over loopback: from a dry run of real files to a saved deliberation.

The session is what the CLI and the app share: choices checked, budget judged before anything is
sent, every event recorded before it is yielded, a caller that stops reading leaves a cancelled
(never a running) run on disk, and a resume takes the saved run's own choices.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fiedler_tui.core.budget import DryRunEngine, DryRunOptions, DryRunResult, SendBlockedError
from fiedler_tui.core.config.loader import parse_config
from fiedler_tui.core.config.schema import Config
from fiedler_tui.core.crosstalk import DeliberationEnded, RoundEnded, TurnEvent
from fiedler_tui.core.crosstalk.session import (
    DeliberationChoices,
    DeliberationSession,
    load_resume,
    resume_choices,
)
from fiedler_tui.core.errors import UsageError
from fiedler_tui.core.runner import TextDelta
from fiedler_tui.core.settings import Settings
from fiedler_tui.core.simulator import ModelScript, SimulatedModel, Simulator
from fiedler_tui.core.simulator.models_yaml import config_text
from fiedler_tui.core.store.run_store import RunStore

PRICES = {"price_in": 2.0, "price_out": 8.0}


def models(tokens_per_s: float | None = None) -> list[SimulatedModel]:
    script = ModelScript(deliberates=True, tokens_per_s=tokens_per_s)
    return [
        SimulatedModel(name=f"m-{kind}", kind=kind, script=script, **PRICES)
        for kind in ("openai", "anthropic", "gemini")
    ]


def dry_run(config: Config, settings: Settings, root: Path, names: list[str]) -> DryRunResult:
    with DryRunEngine(settings) as engine:
        return engine.run(
            [root], [config.resolve(n) for n in names], DryRunOptions(prompt="Is a.py right?")
        )


def setup(tmp_path: Path) -> tuple[Path, Settings]:
    root = tmp_path / "project"
    root.mkdir()
    (root / "a.py").write_text("def add(a, b):\n    return a - b\n")
    return root, Settings(allowed_roots=(root,), output_dir=tmp_path / "runs")


def session_for(
    config: Config,
    settings: Settings,
    root: Path,
    choices: DeliberationChoices,
    cost_cap_usd: float | None = None,
) -> DeliberationSession:
    result = dry_run(config, settings, root, choices.models)
    return DeliberationSession(
        config=config,
        settings=settings,
        keys={},
        result=result,
        choices=choices,
        cost_cap_usd=cost_cap_usd,
    )


async def test_a_debate_runs_through_the_session_and_is_saved_as_the_cli_saves_it(
    tmp_path: Path,
) -> None:
    root, settings = setup(tmp_path)
    sims = models()
    async with Simulator({m.name: m.script for m in sims}) as sim:
        config = parse_config(config_text(sim.base_url, sims), "sim")
        choices = DeliberationChoices(members=("m-openai", "m-gemini"), rounds=2)
        session = session_for(config, settings, root, choices)
        assert session.status == "not started"
        budget = session.prepare()
        assert [s.round for s in budget.steps] == [1, 2]
        session.preflight()
        seen = []
        async with session:
            async for event in session.events():
                seen.append(event)
                # recorded before it is yielded: the summary on disk already holds the round
                if isinstance(event, RoundEnded) and session.run_path is not None:
                    saved = json.loads((session.run_path / "summary.json").read_text())
                    assert [r["round"] for r in saved["rounds"]][-1] == event.round
    assert isinstance(seen[-1], DeliberationEnded)
    assert session.status == "complete" and not session.failed
    assert session.run_path is not None and session.run_id == session.run_path.name
    summary = json.loads((session.run_path / "summary.json").read_text())
    assert summary["kind"] == "crosstalk" and summary["status"] == "complete"
    assert (session.run_path / "transcript.md").is_file()


async def test_a_cap_below_the_worst_case_is_refused_by_round_before_anything_is_sent(
    tmp_path: Path,
) -> None:
    root, settings = setup(tmp_path)
    sims = models()
    async with Simulator({m.name: m.script for m in sims}) as sim:
        config = parse_config(config_text(sim.base_url, sims), "sim")
        choices = DeliberationChoices(members=("m-openai", "m-anthropic"), rounds=3)
        session = session_for(config, settings, root, choices, cost_cap_usd=0.000001)
        with pytest.raises(SendBlockedError) as caught:
            session.preflight()
        assert any("round 1" in line for line in caught.value.problems)
        assert sim.requests == []
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())


async def test_a_bad_choice_is_a_usage_error_naming_it(tmp_path: Path) -> None:
    root, settings = setup(tmp_path)
    sims = models()
    async with Simulator({m.name: m.script for m in sims}) as sim:
        config = parse_config(config_text(sim.base_url, sims), "sim")
        lonely = DeliberationChoices(members=("m-openai",))
        with pytest.raises(UsageError, match="2 to 5 members, got 1"):
            session_for(config, settings, root, lonely).prepare()
        relay = DeliberationChoices(
            members=("m-openai", "m-gemini"), paradigm="relay", chair="m-anthropic"
        )
        with pytest.raises(UsageError, match="relay has no chair"):
            session_for(config, settings, root, relay).prepare()


async def test_a_caller_that_stops_reading_leaves_a_cancelled_run_it_can_resume(
    tmp_path: Path,
) -> None:
    root, settings = setup(tmp_path)
    sims = models(tokens_per_s=40)
    async with Simulator({m.name: m.script for m in sims}) as sim:
        config = parse_config(config_text(sim.base_url, sims), "sim")
        choices = DeliberationChoices(members=("m-openai", "m-anthropic", "m-gemini"), rounds=2)
        session = session_for(config, settings, root, choices)
        session.preflight()
        async with session:
            assert not session.cancel("not-a-member")
            async for event in session.events():
                if isinstance(event, TurnEvent) and isinstance(event.event, TextDelta):
                    break
        assert session.status == "cancelled" and session.failed
        assert session.run_path is not None
        summary = json.loads((session.run_path / "summary.json").read_text())
        assert summary["status"] == "cancelled"
        store = RunStore(settings.output_dir)
        saved = load_resume(store, session.run_path.name)
        kept = resume_choices(saved)
        assert kept.members == choices.members and kept.rounds == 2
        with pytest.raises(UsageError, match="rounds differ"):
            resume_choices(saved, DeliberationChoices(members=(), paradigm="", rounds=3))
