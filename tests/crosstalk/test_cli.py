"""`fiedler crosstalk` as a real process against the simulator: exit codes, JSON, refusals."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import cast

import pytest

from fiedler_tui.cli import main
from fiedler_tui.core.simulator import Fault, FaultKind, ModelScript, SimulatedModel, Simulator
from fiedler_tui.core.simulator.models_yaml import config_text, scripts_for
from tests.support.simulated_project import SimulatedProject, run_fiedler

MEMBERS = ("alpha-gpt", "beta-claude", "gamma-gemini")


class CliWorld(SimulatedProject):
    async def run(self, *args: str, demo: bool = False) -> tuple[int, str, str]:
        before = ["--demo"] if demo else []
        env = {k: v for k, v in self.env().items() if not (demo and k == "FIEDLER_CONFIG")}
        return await run_fiedler([*before, "crosstalk", *args], env, self.project)


def models() -> list[SimulatedModel]:
    kinds = {"alpha-gpt": "openai", "beta-claude": "anthropic", "gamma-gemini": "gemini"}
    found = [
        SimulatedModel(
            name=name,
            kind=kind,
            price_in=1.0,
            price_out=2.0,
            script=ModelScript(reply=f"{name}: fine.", deliberates=True),
        )
        for name, kind in kinds.items()
    ]
    failing = cast(tuple[Fault, ...], (None, Fault.of(FaultKind.UNAUTHORIZED)))
    found.append(
        SimulatedModel(
            name="flaky",
            kind="openai",
            provider="sim-flaky",
            script=ModelScript(reply="flaky: fine.", deliberates=True, faults=failing),
        )
    )
    found.append(
        SimulatedModel(
            name="stuck",
            kind="anthropic",
            provider="sim-stuck",
            script=ModelScript(reply="stuck words here", faults=(Fault.stall(after_tokens=2),)),
        )
    )
    found.append(
        SimulatedModel(
            name="tiny",
            kind="openai",
            provider="sim-tiny",
            context_window=3000,
            max_completion_tokens=1000,
            script=ModelScript(reply="tiny: fine."),
        )
    )
    return found


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[CliWorld]:
    simulated = models()
    async with Simulator(scripts_for(simulated)) as sim:
        config_path = tmp_path / "models.yaml"
        config_path.write_text(config_text(sim.base_url, simulated))
        project = tmp_path / "project"
        project.mkdir()
        (project / "a.py").write_text("def f(x):\n    return x + 1\n")
        yield CliWorld(sim, config_path, project, tmp_path / "runs")


def member_args(*names: str) -> list[str]:
    return [arg for name in names for arg in ("-m", name)]


async def test_a_debate_runs_to_the_end_saved_and_summarised_as_json(world: CliWorld) -> None:
    code, out, err = await world.run(
        "a.py", *member_args(*MEMBERS), "-p", "Is f right?", "--chair", "alpha-gpt", "--json"
    )
    assert code == 0, err
    summary = json.loads(out)
    assert summary["kind"] == "crosstalk"
    assert summary["status"] == "complete"
    assert summary["chair_is_member"] is True
    assert summary["result"]["text"] == "alpha-gpt: fine."
    phases = [(r["round"], r["phase"]) for r in summary["rounds"]]
    assert phases[0] == (1, "answer") and phases[-1][1] == "synthesis"
    verdicts = [t["verdict"] for r in summary["rounds"][1:-1] for t in r["turns"]]
    assert verdicts and all(v and v["stance"] in ("agree", "disagree") for v in verdicts)
    run_dir = world.output_dir / summary["run_id"]
    assert (run_dir / "transcript.md").is_file()
    assert (run_dir / "r01-answer-beta-claude.md").read_text().startswith("beta-claude: fine.")
    assert "chair alpha-gpt (also a member: it may favour its own answer)" in err
    assert "round 1/3 (answer): alpha-gpt, beta-claude, gamma-gemini" in err
    # every wire format was used, and every member was asked at least twice
    for name in MEMBERS:
        assert len(world.sim.requests_for(name)) >= 2


async def test_the_dry_run_shows_the_budget_and_a_cap_refuses_before_sending(
    world: CliWorld,
) -> None:
    args = ["a.py", *member_args(*MEMBERS), "-p", "Is f right?", "--paradigm", "report"]
    code, out, err = await world.run(*args, "--dry-run", "--json")
    assert code == 0, err
    budget = json.loads(out)["budget"]
    assert [(s["round"], s["phase"]) for s in budget["steps"]] == [
        (1, "answer"),
        (2, "review"),
        (2, "report"),
    ]
    total = budget["cost_usd_max"]
    code, out, err = await world.run(*args, "--dry-run")
    assert code == 0
    assert "round 2 (report): worst case $" in out
    code, out, err = await world.run(*args, "--max-cost", f"{total / 2:.6f}")
    assert code == 3
    assert "cannot start: worst-case cost $" in err
    assert "would cross it" in err
    assert "Traceback" not in err
    assert world.sim.requests == []  # nothing was sent


async def test_a_round_that_could_overflow_a_window_is_refused(world: CliWorld) -> None:
    code, _, err = await world.run(
        "a.py", *member_args("alpha-gpt", "tiny"), "-p", "Is f right?", "--rounds", "2"
    )
    assert code == 3
    assert "cannot start: round 2 (answer): tiny (tiny) could need" in err
    assert world.sim.requests == []


async def test_a_member_failing_midway_is_exit_1_and_named(world: CliWorld) -> None:
    code, out, err = await world.run(
        "a.py", *member_args("alpha-gpt", "beta-claude", "flaky"), "-p", "Is f right?", "--json"
    )
    assert code == 1
    summary = json.loads(out)
    assert summary["dropped"][0]["member"] == "flaky"
    assert summary["dropped"][0]["round"] == 2
    assert "flaky dropped out: Authentication failed in round 2" in err
    assert len(world.sim.requests_for("flaky")) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-m", "alpha-gpt"], "a deliberation needs 2 to 5 members, got 1"),
        (["-m", "alpha-gpt", "-m", "nope"], "unknown model 'nope'"),
        (["-m", "alpha-gpt", "-m", "beta-claude", "--persona", "x"], "expected ALIAS=FILE"),
        (
            ["-m", "alpha-gpt", "-m", "beta-claude", "--persona", "alpha-gpt=wizard"],
            "neither a built-in role",
        ),
        (
            ["-m", "alpha-gpt", "-m", "beta-claude", "--paradigm", "relay", "--chair", "tiny"],
            "relay has no chair",
        ),
        (["-m", "alpha-gpt", "-m", "beta-claude", "--max-cost", "-1"], "expected a positive"),
    ],
)
async def test_bad_input_is_exit_2_with_a_clear_message(
    world: CliWorld,
    args: list[str],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """In-process (the entry point's own error handling) to keep the suite fast."""
    for name, value in world.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(world.project)
    with pytest.raises(SystemExit) as exited:
        sys.exit(main(["crosstalk", "a.py", "-p", "Q", *args]))
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert world.sim.requests == []


async def test_send_checks_apply_secrets_are_refused(world: CliWorld) -> None:
    (world.project / "env.py").write_text(
        'AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"\n'
    )
    code, _, err = await world.run("env.py", *member_args("alpha-gpt", "beta-claude"), "-p", "Q")
    assert code == 3
    assert "likely secret" in err
    assert world.sim.requests == []


async def test_events_are_json_lines(world: CliWorld) -> None:
    code, out, _ = await world.run(
        "a.py", *member_args("alpha-gpt", "gamma-gemini"), "-p", "Q", "--events", "--rounds", "2"
    )
    assert code == 0
    events = [json.loads(line) for line in out.splitlines()]
    types = {e["type"] for e in events}
    assert {"RoundStarted", "TurnEvent", "RoundEnded", "DeliberationEnded"} <= types
    deltas = [e for e in events if e["type"] == "TurnEvent" and e["event"]["type"] == "TextDelta"]
    assert {(e["round"], e["member"], e["letter"]) for e in deltas} == {
        (1, "alpha-gpt", "A"),
        (1, "gamma-gemini", "B"),
        (2, "alpha-gpt", "A"),
        (2, "gamma-gemini", "B"),
    }
    assert events[-1]["outcome"]["status"] == "complete"


async def test_the_demo_deliberates(world: CliWorld) -> None:
    code, out, err = await world.run(
        "a.py", "-m", "swift", "-m", "local", "-p", "Q", "--rounds", "2", "--json", demo=True
    )
    assert code == 0, err
    summary = json.loads(out)
    [_, second] = summary["rounds"]
    assert all(t["verdict"] is not None for t in second["turns"])


async def test_ctrl_c_cancels_every_turn_and_keeps_what_arrived(world: CliWorld) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "fiedler_tui", "crosstalk", "a.py", "-p", "Q",
        "-m", "alpha-gpt", "-m", "stuck",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env=world.env(), cwd=world.project,
    )  # fmt: skip
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    partial: list[Path] = []
    while loop.time() < deadline and not partial:
        partial = [
            p for p in world.output_dir.glob("*/r01-answer-stuck.md.partial") if p.read_text()
        ]
        await asyncio.sleep(0.02)
    assert partial, "the stalled turn never reached the disk"
    proc.send_signal(signal.SIGINT)
    _, err = await asyncio.wait_for(proc.communicate(), timeout=30)
    assert proc.returncode == 130
    assert "interrupted: cancelling every turn" in err.decode()
    run_dir = partial[0].parent
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["status"] == "cancelled"
    assert (run_dir / "r01-answer-stuck.md").read_text().startswith("stuck words")


async def test_the_environment_cap_is_judged_on_the_whole_deliberation(
    world: CliWorld, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """In-process: FIEDLER_MAX_COST_USD refuses by the deliberation's total (not per request),
    and --max-cost wins over it."""
    for name, value in world.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("FIEDLER_MAX_COST_USD", "0.0001")
    monkeypatch.chdir(world.project)
    args = ["crosstalk", "a.py", "-p", "Q", *member_args(*MEMBERS)]
    assert main(args) == 3
    err = capsys.readouterr().err
    assert "cannot start: worst-case cost $" in err
    assert "above the cap $0.0001 (round 1 (answer) would cross it)" in err
    assert "FIEDLER_MAX_COST_USD=" not in err  # not the per-request check of send
    assert main([*args, "--max-cost", "100", "--dry-run"]) == 0
    assert "(cap $100)" in capsys.readouterr().out
    assert world.sim.requests == []


def test_help_names_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["crosstalk", "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert "a member (2 to 5 distinct models; give -m for each)" in out
    for option in ("--paradigm", "--rounds", "--chair", "--persona", "--max-cost", "--resume"):
        assert option in out
    assert "--system" not in out  # members' system prompts are their personas
