"""A deliberation saved as it runs: turn files streamed, transcript, versioned summary, `runs`."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from fiedler_tui.cli import main
from fiedler_tui.core.crosstalk import Deliberation, TurnEvent
from fiedler_tui.core.crosstalk.record import DeliberationRecorder
from fiedler_tui.core.runner import TextDelta
from fiedler_tui.core.simulator import Fault, FaultKind, ModelScript
from fiedler_tui.core.store.run_store import RunStore

from .support import KINDS, World, reply, world

NAMES = tuple(KINDS)


async def record(w: World, root: Path, paradigm: str, **options: object) -> DeliberationRecorder:
    plan = w.plan(paradigm, **options)
    recorder = DeliberationRecorder(
        RunStore(root), plan, app_version="test", package={"files": 1}, save_prompt=True
    )
    async for event in Deliberation(w.runner, plan).events():
        recorder.observe(event)
    return recorder


async def test_every_turn_the_transcript_and_the_summary_are_saved(tmp_path: Path) -> None:
    scripts = {name: ModelScript(reply=reply(name, "disagree", 40)) for name in NAMES}
    scripts["gamma-gemini"] = ModelScript(
        reply=reply("gamma-gemini"),
        faults=(None, Fault.of(FaultKind.UNAUTHORIZED)),  # type: ignore[arg-type]
    )
    async with world(scripts, price_in=10.0, price_out=10.0, price_cached_in=1.0) as w:
        recorder = await record(w, tmp_path, "debate", rounds=3)
    folder = tmp_path / recorder.run_id
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    files = sorted(p.name for p in folder.iterdir())
    assert files == sorted(
        [
            "summary.json",
            "transcript.md",
            *(f"r01-answer-{n}.md" for n in NAMES),
            *(f"r02-answer-{n}.md" for n in ("alpha-gpt", "beta-claude")),
            *(f"r03-answer-{n}.md" for n in ("alpha-gpt", "beta-claude")),
        ]
    )
    for name in files:
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600
    assert (folder / "r02-answer-beta-claude.md").read_text() == reply(
        "beta-claude", "disagree", 40
    )
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["kind"] == "crosstalk"
    assert summary["crosstalk_version"] == 1
    assert summary["status"] == "complete"
    assert summary["prompt"]["text"] == w.plan("debate").question
    assert [(r["round"], r["phase"], len(r["turns"])) for r in summary["rounds"]] == [
        (1, "answer", 3),
        (2, "answer", 3),
        (3, "answer", 2),
    ]
    second = {t["member"]: t for t in summary["rounds"][1]["turns"]}
    assert second["gamma-gemini"]["status"] == "failed"
    assert second["gamma-gemini"]["error"]["code"] == "auth"
    assert second["alpha-gpt"]["verdict"] == {"stance": "disagree", "confidence": 40}
    assert second["alpha-gpt"]["usage_cached_input"] >= 1000
    assert second["alpha-gpt"]["output_file"] == "r02-answer-alpha-gpt.md"
    assert summary["dropped"] == [
        {
            "round": 2,
            "member": "gamma-gemini",
            "reason": "Authentication failed in round 2",
            "code": "auth",
        }
    ]
    assert summary["result"]["kind"] == "no consensus"
    assert summary["cost_usd"] == pytest.approx(sum(t.cost_usd for t in recorder.turns), abs=1e-6)
    members = {m["alias"]: m for m in summary["models"]}
    assert members["gamma-gemini"]["status"] == "failed"
    assert members["alpha-gpt"]["turns"] == 3
    transcript = (folder / "transcript.md").read_text()
    order = [
        transcript.index("## Round 1: answers"),
        transcript.index("## Round 2: answers"),
        transcript.index("*gamma-gemini dropped out: Authentication failed in round 2*"),
        transcript.index("## Round 3: answers"),
        transcript.index("## Result: no consensus"),
    ]
    assert order == sorted(order)
    assert "verdict disagree, 40" in transcript
    assert "Status: complete; 3 round(s) run" in transcript


async def test_a_turn_is_on_disk_while_it_streams(tmp_path: Path) -> None:
    scripts = {name: ModelScript(reply=reply(name)) for name in NAMES}
    scripts["beta-claude"] = ModelScript(
        reply="first words then a long silence", faults=(Fault.stall(after_tokens=2),)
    )
    async with world(scripts) as w:
        plan = w.plan("debate", rounds=2)
        recorder = DeliberationRecorder(RunStore(tmp_path), plan, app_version="t", package={})
        deliberation = Deliberation(w.runner, plan)
        seen_on_disk = ""
        async for event in deliberation.events():
            recorder.observe(event)
            streaming = isinstance(event, TurnEvent) and isinstance(event.event, TextDelta)
            if streaming and event.member == "beta-claude":  # type: ignore[union-attr]
                partial = tmp_path / recorder.run_id / "r01-answer-beta-claude.md.partial"
                seen_on_disk = partial.read_text()
                deliberation.cancel_all()
    assert seen_on_disk.startswith("first")
    summary = json.loads((tmp_path / recorder.run_id / "summary.json").read_text())
    assert summary["status"] == "cancelled"
    # Cancelled turns keep what arrived, renamed to the final name.
    assert (
        (tmp_path / recorder.run_id / "r01-answer-beta-claude.md").read_text().startswith("first")
    )


async def test_runs_marks_deliberations_and_shows_their_rounds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    scripts = {name: ModelScript(reply=reply(name)) for name in NAMES}
    async with world(scripts) as w:
        recorder = await record(w, tmp_path, "relay")
    monkeypatch.setenv("FIEDLER_OUTPUT_DIR", str(tmp_path))
    assert main(["runs"]) == 0
    listing = capsys.readouterr().out
    assert "crosstalk: alpha-gpt, beta-claude, gamma-gemini" in listing
    assert main(["runs", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)["runs"]
    assert (row["kind"], row["status"]) == ("crosstalk", "complete")
    assert main(["runs", "show", recorder.run_id]) == 0
    shown = capsys.readouterr().out
    assert "crosstalk: relay, chair none" in shown
    assert "round 1 (relay):" in shown
    assert "beta-claude: finished" in shown
    assert f"{recorder.run_id}/r01-relay-gamma-gemini.md" in shown
    assert "result: relay answer, complete" in shown
    assert "transcript.md" in shown


async def test_a_failed_chair_is_marked_failed_in_the_summary(tmp_path: Path) -> None:
    scripts = {name: ModelScript(reply=reply(name)) for name in NAMES}
    scripts["chair-model"] = ModelScript(reply="x", faults=(Fault.of(FaultKind.UNAUTHORIZED),))
    async with world(scripts, with_chair=True) as w:
        recorder = await record(w, tmp_path, "report", chair="chair-model")
    summary = json.loads((tmp_path / recorder.run_id / "summary.json").read_text())
    assert summary["status"] == "degraded"
    members = {m["alias"]: m["status"] for m in summary["models"]}
    assert members == {**dict.fromkeys(NAMES, "done"), "chair-model": "failed"}
    assert summary["rounds"][-1]["turns"][0]["error"]["code"] == "auth"
