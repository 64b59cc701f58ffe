"""A batch job killed (SIGKILL) at every step of submit and of fetch is resumed by the next
command without a request sent twice or an answer lost."""

from __future__ import annotations

import copy
import json
import shutil
import signal
from collections import Counter

from .conftest import BatchWorld

IDS = [f"u00000-m{i}" for i in range(4)]
"""One unit (--per package) to each of the four models."""


def _reset(world: BatchWorld) -> None:
    world.sim.reset()
    shutil.rmtree(world.state_home, ignore_errors=True)
    shutil.rmtree(world.output_dir, ignore_errors=True)


def _local_requests(world: BatchWorld) -> int:
    return sum(1 for r in world.sim.requests if r.model == "local")


async def _fetch_all(world: BatchWorld, job_id: str) -> dict[str, object]:
    code, out, err = await world.cli("batch", "fetch", job_id, "--json")
    assert code == 0, err
    fetched: dict[str, object] = json.loads(out)
    return fetched


def _answers_saved(world: BatchWorld, job_id: str) -> list[str]:
    folder = world.output_dir / f"{job_id}-u00000"
    return sorted(p.name for p in folder.glob("*.md"))


async def test_a_kill_at_any_step_of_submit_is_resumed_without_repeating_a_request(
    batch_world: BatchWorld,
) -> None:
    step = 0
    while True:
        step += 1
        _reset(batch_world)
        code, _, err = await batch_world.submit("--per", "package", FIEDLER_BATCH_KILL_AT=str(step))
        if code == 0:
            break  # past the last step: the submit ran to its end
        assert code == -signal.SIGKILL, err
        if not batch_world.state_files():  # killed before anything was sent
            assert batch_world.sim.batches.received == Counter()
            code, _, err = await batch_world.submit("--per", "package")
        else:
            job_id = str(batch_world.job()["job_id"])
            code, _, err = await batch_world.submit("--per", "package", "--resume", job_id)
        assert code == 0, f"step {step}: {err}"
        job = batch_world.job()
        statuses = {r["custom_id"]: r["status"] for r in job["requests"].values()}  # type: ignore[attr-defined]
        assert statuses == {**dict.fromkeys(IDS[:3], "submitted"), IDS[3]: "done"}, f"step {step}"
        assert all(p["batch_id"] for p in job["parts"]), f"step {step}"  # type: ignore[attr-defined]
        assert batch_world.sim.batches.received == Counter(IDS[:3]), f"step {step}"
        assert sum(batch_world.sim.batches.creates.values()) == 3, f"step {step}"
        assert _local_requests(batch_world) == 1, f"step {step}"
    assert step > 15  # every step of the three batches and the live request was tried
    job_id = str(batch_world.job()["job_id"])
    fetched = await _fetch_all(batch_world, job_id)
    assert fetched["counts"] == {"done": 4}
    assert _answers_saved(batch_world, job_id) == ["claude.md", "gem.md", "gpt.md", "local.md"]


async def test_a_kill_at_any_step_of_fetch_is_resumed_by_fetching_again(
    batch_world: BatchWorld,
) -> None:
    code, out, err = await batch_world.submit("--per", "package")
    assert code == 0, err
    job_id = out.strip().splitlines()[-1]
    state = batch_world.state_files()[0]
    submitted = state.read_bytes()
    folder = batch_world.output_dir / f"{job_id}-u00000"
    live_answer = (folder / "local.md").read_bytes()  # saved by the submit itself
    core = batch_world.sim.batches.core
    provider_side = copy.deepcopy((core.by_id, core.files))
    step = 0
    while True:
        step += 1
        state.write_bytes(submitted)  # back to just after the submit, here and at the providers
        core.by_id, core.files = copy.deepcopy(provider_side)
        core.deleted.clear()
        shutil.rmtree(folder)
        folder.mkdir()
        (folder / "local.md").write_bytes(live_answer)
        code, _, err = await batch_world.cli(
            "batch", "fetch", job_id, FIEDLER_BATCH_KILL_AT=str(step)
        )
        if code == 0:
            break
        assert code == -signal.SIGKILL, err
        fetched = await _fetch_all(batch_world, job_id)
        assert fetched["counts"] == {"done": 4}, f"step {step}"
        assert fetched["status"] == "ended"
        # every copy deleted (an OpenAI batch itself cannot be; its files hold the content)
        assert core.files == {}, f"step {step}"
        assert [b.dialect for b in core.by_id.values()] == ["openai"], f"step {step}"
        assert _answers_saved(batch_world, job_id) == ["claude.md", "gem.md", "gpt.md", "local.md"]
    assert step > 7  # three parts saved, then three providers' copies deleted
    assert batch_world.sim.batches.received == Counter(IDS[:3])  # fetching sends nothing
