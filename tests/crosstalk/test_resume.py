"""Resuming an interrupted deliberation: complete steps replayed from disk, never sent again."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import cast

from fiedler_tui.core.crosstalk import Deliberation, RoundEnded, RoundStarted, TurnEvent
from fiedler_tui.core.crosstalk.record import DeliberationRecorder
from fiedler_tui.core.crosstalk.resume import load_saved
from fiedler_tui.core.runner import Finished
from fiedler_tui.core.simulator import Fault, ModelScript, SimulatedModel
from fiedler_tui.core.store.run_store import RunStore

from .support import KINDS, crosstalk_processes, kill_after_round_one, reply, user_texts, world

NAMES = tuple(KINDS)
STALL_SECOND = cast(tuple[Fault, ...], (None, Fault.stall()))
"""The first request answers, the second stalls until the client leaves, later ones answer."""


async def test_a_cancelled_memory_deliberation_resumes_after_its_last_complete_step(
    tmp_path: Path,
) -> None:
    scripts = {name: ModelScript(reply=reply(name)) for name in NAMES}
    scripts["gamma-gemini"] = ModelScript(reply=reply("gamma-gemini"), faults=STALL_SECOND)
    scripts["chair-model"] = ModelScript(reply="AGREED:\n- LEDGER-TEXT\nDISPUTED:\nOPEN:")
    store = RunStore(tmp_path)
    async with world(scripts, with_chair=True) as w:
        plan = w.plan("memory", rounds=2, chair="chair-model")
        first = DeliberationRecorder(store, plan, app_version="t", package={})
        deliberation = Deliberation(w.runner, plan)
        async for event in deliberation.events():
            first.observe(event)
            if (
                isinstance(event, TurnEvent)
                and isinstance(event.event, Finished)
                and (event.round, event.member) == (2, "alpha-gpt")
            ):
                deliberation.cancel_all()
        assert first.outcome is not None and first.outcome.status == "cancelled"

        saved = load_saved(store.find(first.run_id))
        assert [(t.round, t.phase) for t in saved.turns] == [
            (1, "answer"),
            (1, "answer"),
            (1, "answer"),
            (1, "ledger"),
        ]
        second = DeliberationRecorder(
            store, plan, app_version="t", package={}, resumed_from=first.run_id
        )
        events = []
        async for event in Deliberation(w.runner, plan, history=saved.turns).events():
            second.observe(event)
            events.append(event)
        # Round 1 and its ledger were not sent again; round 2 and its ledger were.
        assert [(e.round, e.phase) for e in events if isinstance(e, RoundStarted)] == [
            (2, "answer"),
            (2, "ledger"),
        ]
        replayed = [e for e in events if isinstance(e, RoundEnded) and e.replayed]
        assert [(e.round, e.phase) for e in replayed] == [(1, "answer"), (1, "ledger")]
        assert len(w.bodies("chair-model")) == 2
        assert [len(w.bodies(n)) for n in NAMES] == [3, 3, 3]  # r1, the cancelled r2, r2
        resumed_round2 = user_texts(w.bodies("beta-claude")[2])[-1]
        assert "LEDGER-TEXT" in resumed_round2
        assert second.outcome is not None and second.outcome.status == "complete"
    folder = tmp_path / second.run_id
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["resumed_from"] == first.run_id
    assert [(r["round"], r["phase"]) for r in summary["rounds"]] == [
        (1, "answer"),
        (1, "ledger"),
        (2, "answer"),
        (2, "ledger"),
    ]
    # The replayed turns are saved in the new folder too: it stands on its own.
    assert (folder / "r01-answer-alpha-gpt.md").read_text() == reply("alpha-gpt")
    assert (folder / "r01-ledger-chair-model.md").read_text().startswith("AGREED:")


async def test_resume_after_the_process_is_killed(tmp_path: Path) -> None:
    members = [
        SimulatedModel(
            name=name,
            kind=kind,
            script=ModelScript(
                reply=f"{name}: fine.",
                deliberates=True,
                faults=STALL_SECOND if name == "gamma-gemini" else (),
            ),
        )
        for name, kind in KINDS.items()
    ]
    args = ["a.py", "-p", "Is x right?", "-m", "alpha-gpt", "-m", "beta-claude"]
    args += ["-m", "gamma-gemini", "--rounds", "2"]
    async with crosstalk_processes(tmp_path, members, args) as cli:
        sim, output, start = cli.sim, cli.output, cli.start
        proc = await start()
        # until round 1 is saved and gamma's round 2 stalls
        summary = await kill_after_round_one(proc, output, sim, "gamma-gemini")
        run_id = str(summary["run_id"])
        proc = await start("--resume", run_id, "--json")
        out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
        assert proc.returncode == 0, err.decode()
        resumed = json.loads(out)
        assert resumed["resumed_from"] == run_id
        assert resumed["status"] == "complete"
        assert [(r["round"], r["phase"]) for r in resumed["rounds"]][:2] == [
            (1, "answer"),
            (2, "answer"),
        ]
        assert f"resuming {run_id}: round 1 (answer) replayed" in err.decode()
        # round 1 went out once per member; round 2 twice (killed, then resumed)
        assert [len(sim.requests_for(n)) for n in NAMES] == [3, 3, 3]
        old = json.loads((output / run_id / "summary.json").read_text())
        assert old["status"] == "interrupted"  # found so when it was resumed
        proc = await start("--resume", str(resumed["run_id"]))
        _, err = await proc.communicate()
        assert proc.returncode == 2
        assert "is complete; only an interrupted or cancelled deliberation can be resumed" in (
            err.decode()
        )
        proc = await start("--resume", run_id, "--paradigm", "relay")
        _, err = await proc.communicate()
        assert proc.returncode == 2
        assert "--paradigm differ from them" in err.decode()
