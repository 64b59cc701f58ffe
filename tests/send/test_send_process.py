"""`fiedler send` as a real process: exit codes, JSON events, SIGKILL and SIGINT mid-stream."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from pathlib import Path

from tests.support.simulated_project import run_fiedler

from .conftest import LONG_REPLY, SendWorld

PROMPT = "review these files"


async def start_send(world: SendWorld, *args: str, **env: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "fiedler_tui",
        "send",
        str(world.project),
        "-p",
        PROMPT,
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=world.env(**env),
        cwd=world.project,
    )


async def run_send(world: SendWorld, *args: str, **env: str) -> tuple[int, str, str]:
    proc = await start_send(world, *args, **env)
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def run_cli(world: SendWorld, *args: str) -> tuple[int, str, str]:
    return await run_fiedler(args, world.env(), None)


def only_run_dir(world: SendWorld) -> Path:
    [run_dir] = list(world.output_dir.iterdir())
    return run_dir


def words_in(folder: Path, pattern: str, minimum: int) -> str | None:
    for file in folder.glob(pattern):
        text = file.read_text()
        if text.count("word") >= minimum:
            return text
    return None


async def wait_for_text(folder: Path, pattern: str, minimum: int, timeout_s: float = 20) -> str:
    """Poll the run folder until a ``pattern`` file holds ``minimum`` words (bounded wait)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while loop.time() < deadline:
        text = words_in(folder, pattern, minimum)
        if text is not None:
            return text
        await asyncio.sleep(0.02)
    raise AssertionError(f"no {pattern} with {minimum} words under {folder}")


async def test_send_succeeds_with_events_and_json_summary(world: SendWorld) -> None:
    code, out, err = await run_send(world, "-m", "fast", "-m", "claude", "--events")
    assert code == 0, err
    events = [json.loads(line) for line in out.splitlines()]
    types = {e["type"] for e in events}
    assert {"Queued", "Started", "FirstToken", "TextDelta", "Finished"} <= types
    text = "".join(e["text"] for e in events if e["type"] == "TextDelta" and e["model"] == "fast")
    assert text == "All good. " * 20
    assert "fast" in err and "done" in err
    code, out, _ = await run_send(world, "-m", "fast", "--json")
    summary = json.loads(out)
    assert code == 0 and summary["status"] == "done"
    assert summary["models"][0]["output_file"] == "fast.md"


async def test_exit_1_when_a_model_fails_and_3_when_refused(world: SendWorld) -> None:
    code, _, err = await run_send(world, "-m", "fast", "-m", "broken")
    assert code == 1
    assert "failed [network]" in err
    (world.project / ".env").write_text("OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz012345\n")
    code, _, err = await run_send(world, "-m", "fast")
    assert code == 3, err
    assert ".env:1" in err and "sk-proj" not in err
    requests_before = len(world.sim.requests)
    code, _, err = await run_send(world, "-m", "nosuch")
    assert code == 2 and "unknown model 'nosuch'" in err
    assert len(world.sim.requests) == requests_before


async def test_sigkill_mid_stream_keeps_what_was_received_and_run_is_interrupted(
    world: SendWorld,
) -> None:
    proc = await start_send(world, "-m", "slow", "-m", "lagging")
    seen = await wait_for_text(world.output_dir, "*/slow.md.partial", minimum=12)
    run_dir = only_run_dir(world)
    for _ in range(500):  # once "lagging" has ended, the summary on disk has "slow" streaming
        if '"streaming"' in (run_dir / "summary.json").read_text():
            break
        await asyncio.sleep(0.02)
    else:
        raise AssertionError("no summary with a streaming model")
    proc.kill()  # SIGKILL: no handler, no cleanup
    await proc.wait()
    on_disk = (run_dir / "slow.md.partial").read_text()
    assert LONG_REPLY.startswith(on_disk)  # exactly what arrived, in order, nothing torn
    assert len(on_disk) >= len(seen)
    code, out, _ = await run_cli(world, "runs", "--json")
    assert code == 0
    [row] = json.loads(out)["runs"]
    assert row["status"] == "interrupted"
    code, out, _ = await run_cli(world, "runs", "show", row["id"], "--json")
    statuses = {m["alias"]: m["status"] for m in json.loads(out)["summary"]["models"]}
    assert statuses == {"slow": "interrupted", "lagging": "done"}
    code, out, _ = await run_cli(world, "runs", "show", row["id"])
    assert "INTERRUPTED" in out and "slow: interrupted" in out
    assert f"{run_dir / 'slow.md.partial'} (partial)" in out
    assert f"{run_dir / 'slow.md'}\n" not in out  # not the .md, which does not exist
    assert (run_dir / "slow.md.partial").read_text() == on_disk  # still intact after listing


async def test_sigint_cancels_keeps_partial_output_and_exits_promptly(world: SendWorld) -> None:
    proc = await start_send(world, "-m", "slow", "-m", "fast")
    await wait_for_text(world.output_dir, "*/slow.md.partial", minimum=8)
    loop = asyncio.get_running_loop()
    sent_at = loop.time()
    proc.send_signal(signal.SIGINT)
    _, err = await asyncio.wait_for(proc.communicate(), timeout=20)
    elapsed = loop.time() - sent_at
    assert proc.returncode == 130, err.decode()
    assert elapsed < 10  # prompt: nothing waits for the slow model to finish
    run_dir = only_run_dir(world)
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["status"] == "cancelled"
    statuses = {m["alias"]: m["status"] for m in summary["models"]}
    assert statuses == {"slow": "cancelled", "fast": "done"}
    kept = (run_dir / "slow.md").read_text()
    assert kept and LONG_REPLY.startswith(kept) and len(kept) < len(LONG_REPLY)
    assert "interrupted: cancelling every model" in err.decode()


def files_written(root: Path, project: Path) -> list[Path]:
    """Every file under ``root`` the app could have written (not the project, not the config)."""
    return [
        p
        for p in root.rglob("*")
        if p.is_file() and project not in p.parents and p.name != "models.yaml"
    ]


async def test_canary_key_and_prompt_reach_no_file_even_with_debug_logging(
    world: SendWorld, tmp_path: Path
) -> None:
    key = "canary-key-9f8e7d6c5b4a"
    prompt = "canary-prompt-1a2b3c: look closely"
    state = tmp_path / "state"
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "fiedler_tui",
        "send",
        str(world.project),
        "-p",
        prompt,
        "-m",
        "secured",
        "-m",
        "broken",
        "--events",
        "--json",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=world.env(
            SIM_SECURED_KEY=key + "\r\n",  # as pasted from a .env file: stripped, still sent
            FIEDLER_LOG_LEVEL="DEBUG",
            XDG_STATE_HOME=str(state),
        ),
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode == 1, err.decode()  # "broken" fails, "secured" succeeds
    [received] = world.sim.requests_for("secured")
    assert received.headers.get("authorization") == f"Bearer {key}"
    assert key.encode() not in out + err
    assert prompt.encode() not in out + err
    written = files_written(tmp_path, world.project)
    log_file = state / "fiedler" / "fiedler.log"
    assert log_file in written and "broken failed" in log_file.read_text()
    assert any(p.name == "summary.json" for p in written)
    for file in written:
        data = file.read_bytes()
        assert key.encode() not in data, file
        assert prompt.encode() not in data, file
