"""Follow-ups over loopback: each model continues its own conversation, saved as the next turn."""

from __future__ import annotations

import asyncio
import json
import socket
import sys
from pathlib import Path

import pytest

from fiedler_tui.core.budget import BlockerKind, DryRunEngine, DryRunOptions
from fiedler_tui.core.config.loader import load_config
from fiedler_tui.core.followup.conversation import (
    FollowUpPlan,
    FollowUpRefused,
    PromptNotSaved,
    plan_follow_up,
)
from fiedler_tui.core.followup.prepare import FollowUpChoices, follow_up_dry_run
from fiedler_tui.core.followup.session import FollowUpSession
from fiedler_tui.core.followup.thread import saved_turns
from fiedler_tui.core.settings import Settings
from fiedler_tui.core.store.run_store import RunInfo, RunStore
from fiedler_tui.core.store.summary import sha256_text
from tests.support.sent_runs import send_to_end

from .conftest import SendWorld

PROMPT = "canary-prompt-1: review these files"
FAST_REPLY = "All good. "
CLAUDE_REPLY = "Looks fine. "


async def first_run(world: SendWorld, models: list[str]) -> RunInfo:
    settings = Settings.from_env()
    config = load_config()
    options = DryRunOptions(prompt=PROMPT)
    session = await send_to_end(config, settings, world.project, models, options)
    assert session.run_id is not None
    return RunStore(settings.output_dir).find(session.run_id)


async def follow_up(plan: FollowUpPlan) -> FollowUpSession:
    settings = Settings.from_env()
    config = load_config()
    result = follow_up_dry_run(plan, config=config, settings=settings)
    assert not result.blockers, result.blockers
    session = FollowUpSession(plan=plan, result=result, config=config, settings=settings, keys={})
    session.preflight()
    async with session:
        async for _ in session.events():
            pass
    return session


def single_input(model: str) -> int:
    """The model's input for the run's one-turn request (the package and the prompt)."""
    settings, config = Settings.from_env(), load_config()
    with DryRunEngine(settings) as engine:
        result = engine.run(
            [settings.allowed_roots[0]], [config.resolve(model)], DryRunOptions(prompt=PROMPT)
        )
    return result.models[0].input_tokens


def read(path: Path) -> str:
    return path.read_text()


def write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data))


def last_body(world: SendWorld, model: str) -> str:
    return json.dumps(world.sim.requests_for(model)[-1].body)


async def test_each_model_continues_its_own_conversation_saved_as_the_next_turns(
    world: SendWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIEDLER_SAVE_PROMPT", "1")
    info = await first_run(world, ["fast", "claude"])

    plan2 = plan_follow_up(info, "canary-question-2: and the tests?", ["fast"])
    assert plan2.number == 2 and plan2.aliases == ["fast"]
    turn2 = await follow_up(plan2)
    assert turn2.status == "done"
    fast2 = world.sim.requests_for("fast")[-1].body["messages"]
    assert [m["role"] for m in fast2] == ["system", "user", "assistant", "user"]
    assert "def main():" in fast2[1]["content"] and fast2[1]["content"].endswith(PROMPT)
    assert fast2[2]["content"] == FAST_REPLY * 20
    assert fast2[3]["content"] == "canary-question-2: and the tests?"
    assert CLAUDE_REPLY not in last_body(world, "fast")

    folder = info.path / "turns" / "2"
    saved = json.loads((folder / "summary.json").read_text())
    assert saved["status"] == "done" and saved["turn"] == 2 and saved["run_id"] == info.run_id
    assert saved["prompt"]["text"] == "canary-question-2: and the tests?"
    assert [m["alias"] for m in saved["models"]] == ["fast"]
    assert (folder / "fast.md").read_text() == FAST_REPLY * 20
    assert (folder.stat().st_mode & 0o777) == 0o700
    listed = json.loads((info.path / "summary.json").read_text())["turns"]
    assert [(t["turn"], t["status"], t["models"]) for t in listed] == [(2, "done", ["fast"])]
    assert listed[0]["cost_usd"] == saved["cost_usd"]

    turn_folder = RunStore(folder.parent).load(folder)
    with pytest.raises(FollowUpRefused, match=r"is turn 2 of run .*: follow up the run"):
        plan_follow_up(turn_folder, "not from a turn's folder")
    info = RunStore(info.path.parent).find(info.run_id)
    plan3 = plan_follow_up(info, "canary-question-3: anything else?")
    assert plan3.number == 3 and plan3.aliases == ["fast", "claude"]
    settings, config = Settings.from_env(), load_config()
    budget = {m.alias: m for m in follow_up_dry_run(plan3, config=config, settings=settings).models}
    assert budget["fast"].input_tokens > single_input("fast") + 2 * 40  # two answers, 2 questions
    await follow_up(plan3)
    fast3 = world.sim.requests_for("fast")[-1].body["messages"]
    assert [m["role"] for m in fast3] == [
        "system",
        "user",
        "assistant",
        "user",
        "assistant",
        "user",
    ]
    assert fast3[3]["content"].startswith("canary-question-2")
    assert fast3[5]["content"] == "canary-question-3: anything else?"
    claude3 = last_body(world, "claude")
    assert "canary-question-2" not in claude3  # claude was not asked turn 2: not in its thread
    assert "canary-question-3" in claude3 and CLAUDE_REPLY in claude3
    assert FAST_REPLY not in claude3 and "def main():" in claude3
    turns = saved_turns(RunStore(info.path.parent).find(info.run_id))
    assert [(t.number, t.status, t.aliases) for t in turns] == [
        (1, "done", ["fast", "claude"]),
        (2, "done", ["fast"]),
        (3, "done", ["fast", "claude"]),
    ]


async def test_refusals_say_why_and_nothing_is_sent(world: SendWorld) -> None:
    info = await first_run(world, ["fast", "broken"])  # prompts not saved; broken fails
    sent = len(world.sim.requests)
    with pytest.raises(PromptNotSaved, match=r"the prompt of run .* was not saved"):
        plan_follow_up(info, "why?")
    known = {sha256_text(PROMPT): PROMPT}
    with pytest.raises(FollowUpRefused, match="broken has no complete answer"):
        plan_follow_up(info, "why?", ["broken"], known)
    with pytest.raises(FollowUpRefused, match="claude: not a model of run"):
        plan_follow_up(info, "why?", ["claude"], known)
    with pytest.raises(FollowUpRefused, match="question is empty"):
        plan_follow_up(info, "  ", [], known)
    plan = plan_follow_up(info, "why?", [], known)
    assert plan.aliases == ["fast"] and "broken has no complete answer" in plan.left_out[0]

    settings, config = Settings.from_env(), load_config()
    room = 128_000 - single_input("fast") - 5  # the first turn alone would fit the window
    over = follow_up_dry_run(
        plan, config=config, settings=settings, choices=FollowUpChoices(max_completion_tokens=room)
    )
    assert [b.kind for b in over.blockers] == [BlockerKind.OVER_BUDGET]
    assert over.models[0].input_tokens > single_input("fast") + 40
    (world.project / "app.py").write_text("def main():\n    return 43\n")
    with pytest.raises(FollowUpRefused, match=r"changed since: app\.py"):
        follow_up_dry_run(plan, config=config, settings=settings)
    (world.project / "notes.md").unlink()
    with pytest.raises(FollowUpRefused, match=r"no longer under the allowed roots .*notes\.md"):
        follow_up_dry_run(plan, config=config, settings=settings)
    assert len(world.sim.requests) == sent
    assert not (info.path / "turns").exists()


async def cli(
    world: SendWorld, *args: str, command: str = "send", **env: str
) -> tuple[int, str, str]:
    return await world.cli(command, *args, **env)


async def test_send_continue_as_a_process(world: SendWorld) -> None:
    info = await first_run(world, ["fast", "claude"])
    code, _, err = await cli(world, "--continue", info.run_id, "-p", "more?")
    assert code == 3 and "the prompt of run" in err and "--earlier-prompt TEXT" in err
    code, _, err = await cli(world, str(world.project), "--continue", info.run_id, "-p", "more?")
    assert code == 2 and "give no PATH" in err
    code, _, err = await cli(world, "--continue", "nope", "-p", "more?")
    assert code == 2 and "no run 'nope'" in err
    room = str(128_000 - single_input("claude") - 5)
    code, _, err = await cli(
        world, "--continue", info.run_id, "-p", "more?", "--earlier-prompt", PROMPT,
        "--max-completion-tokens", room,
    )  # fmt: skip
    assert code == 3 and "claude is over budget" in err
    assert not (info.path / "turns").exists()

    code, out, err = await cli(
        world, "--continue", info.run_id, "-p", "canary-q: more?", "-m", "claude",
        "--earlier-prompt", PROMPT, "--json",
    )  # fmt: skip
    assert code == 0, err
    assert f"follow-up: turn 2 of run {info.run_id}" in err and "claude:" in err
    printed = json.loads(out)
    assert printed["turn"] == 2 and printed["run_id"] == info.run_id
    assert printed["models"][0]["status"] == "done"
    body = last_body(world, "claude")
    assert "canary-q: more?" in body and CLAUDE_REPLY in body and FAST_REPLY not in body
    assert read(info.path / "turns" / "2" / "claude.md") == CLAUDE_REPLY * 15
    code, out, _ = await cli(world, "show", info.run_id, command="runs")
    assert code == 0 and "turn 2 (follow-up): done, $0.0000" in out
    assert str(info.path / "turns" / "2" / "claude.md") in out
    code, out, _ = await cli(world, "show", info.run_id, "--json", command="runs")
    [turn] = json.loads(out)["turns"]
    assert turn["turn"] == 2 and turn["summary"]["models"][0]["alias"] == "claude"
    saved = json.loads(read(info.path / "turns" / "2" / "summary.json"))
    assert "text" not in saved["prompt"] and saved["prompt"]["sha256"] == sha256_text(
        "canary-q: more?"
    )


async def test_an_interrupted_turn_is_left_out_and_a_running_one_refuses(
    world: SendWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIEDLER_SAVE_PROMPT", "1")
    info = await first_run(world, ["fast"])
    folder = info.path / "turns" / "2"
    folder.mkdir(parents=True)
    (folder / "fast.md.partial").write_text("half an answer")
    dead = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
    await dead.wait()
    turn = {
        "status": "running",
        "prompt": {"sha256": sha256_text("q2"), "chars": 2, "text": "q2"},
        "models": [{"alias": "fast", "status": "streaming", "output_file": "fast.md"}],
        "run_id": info.run_id,
        "turn": 2,
        "host": socket.gethostname(),
    }
    write_json(folder / "summary.json", {**turn, "pid": dead.pid})
    plan = plan_follow_up(info, "q3")  # the process that ran turn 2 is gone: interrupted
    assert [t.status for t in plan.turns] == ["done", "interrupted"]
    assert plan.number == 3 and [t.role for t in plan.continued["fast"]] == ["assistant", "user"]
    assert "half an answer" not in json.dumps([t.text for t in plan.continued["fast"]])
    alive = await asyncio.create_subprocess_exec(  # "fiedler" in its command line, as a run's
        sys.executable,
        "-c",
        "import sys; sys.stdin.read()",
        "fiedler",
        stdin=asyncio.subprocess.PIPE,
    )
    try:
        write_json(folder / "summary.json", {**turn, "pid": alive.pid})
        with pytest.raises(FollowUpRefused, match=r"turn 2 of run .* is still running"):
            plan_follow_up(info, "q3")
    finally:
        assert alive.stdin is not None
        alive.stdin.close()
        await alive.wait()
