"""The system prompt of a follow-up over loopback: saved with the run (its sha256, its text only
when prompts are saved), sent again as it was, and a different one refused."""

from __future__ import annotations

import json

import pytest

from fiedler_tui.core.budget import DryRunOptions
from fiedler_tui.core.config.loader import load_config
from fiedler_tui.core.followup.conversation import FollowUpRefused, plan_follow_up
from fiedler_tui.core.request import DEFAULT_SYSTEM_PROMPT
from fiedler_tui.core.settings import Settings
from fiedler_tui.core.store.run_store import RunInfo, RunStore
from fiedler_tui.core.store.summary import sha256_text
from tests.support.sent_runs import send_to_end

from .conftest import SendWorld
from .test_follow_up import PROMPT, cli, follow_up

SYSTEM = "canary-system: answer as a terse reviewer"


def system_sent(world: SendWorld) -> str:
    messages = world.sim.requests_for("fast")[-1].body["messages"]
    assert messages[0]["role"] == "system"
    return str(messages[0]["content"])


async def sent_with_system(world: SendWorld) -> RunInfo:
    settings, config = Settings.from_env(), load_config()
    options = DryRunOptions(prompt=PROMPT, system=SYSTEM)
    session = await send_to_end(config, settings, world.project, ["fast"], options)
    assert session.run_id is not None
    return RunStore(settings.output_dir).find(session.run_id)


async def test_a_saved_system_prompt_is_sent_again_and_another_refused(
    world: SendWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIEDLER_SAVE_PROMPT", "1")
    info = await sent_with_system(world)
    saved = info.summary["system"]
    assert saved == {"sha256": sha256_text(SYSTEM), "chars": len(SYSTEM), "text": SYSTEM}
    assert info.run.system is not None and info.run.system.text == SYSTEM
    with pytest.raises(FollowUpRefused, match=r"not the one run .* was sent with"):
        plan_follow_up(info, "and now?", system="another system prompt")
    plan = plan_follow_up(info, "and now?")
    assert plan.system == SYSTEM
    await follow_up(plan)
    assert system_sent(world) == SYSTEM
    turn = json.loads((info.path / "turns" / "2" / "summary.json").read_text())
    assert turn["system"]["sha256"] == sha256_text(SYSTEM)

    older = {k: v for k, v in info.summary.items() if k != "system"}  # saved before it was kept
    assert plan_follow_up(RunInfo(info.run_id, info.path, older), "q").system == (
        DEFAULT_SYSTEM_PROMPT
    )


async def test_an_unsaved_system_prompt_must_be_given_again_on_the_command_line(
    world: SendWorld,
) -> None:
    code, out, err = await cli(
        world, str(world.project), "-p", PROMPT, "-m", "fast", "--system", SYSTEM, "--json"
    )
    assert code == 0, err
    run_id = json.loads(out)["run_id"]
    summary = json.loads((world.output_dir / run_id / "summary.json").read_text())
    assert summary["system"] == {"sha256": sha256_text(SYSTEM), "chars": len(SYSTEM)}
    sent = len(world.sim.requests)
    again = ("--continue", run_id, "-p", "more?", "--earlier-prompt", PROMPT)

    code, _, err = await cli(world, *again)
    assert code == 3
    assert f"was sent with its own system prompt ({len(SYSTEM)} chars), which was not saved" in err
    assert "give it again with --system" in err
    code, _, err = await cli(world, *again, "--system", "You are a reviewer.")
    assert code == 3 and "the system prompt given is not the one run" in err
    assert len(world.sim.requests) == sent  # nothing sent

    code, _, err = await cli(world, *again, "--system", SYSTEM)
    assert code == 0, err
    assert system_sent(world) == SYSTEM
