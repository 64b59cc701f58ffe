"""The ``fiedler`` command at its edges, as real processes: hostile text from a server or a file
name never reaches the terminal or the log raw, a reader that stops early only stops the printing,
``--config`` naming a folder says so, and ``--demo`` works with every command."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from fiedler_tui.cli import main
from fiedler_tui.core.simulator.models_yaml import SimulatedModel, config_text, scripts_for
from fiedler_tui.core.simulator.script import Fault, ModelScript
from fiedler_tui.core.simulator.server import Simulator
from tests.support.simulated_project import run_fiedler

HOSTILE = "denied \x1b]52;c;ZXZpbA==\x07 then \x1b[2J and \x9b2J, \u202ereversed"
SHOWN = "denied \\x1b]52;c;ZXZpbA==\\x07 then \\x1b[2J and \\u009b2J, \\u202ereversed"
RAW = ("\x1b", "\x07", "\x9b", "\x9d", "\u202e")
ANSWER = "An answer with \x1b[31mcolour\x1b[0m, \x9b2J and \u202e, kept as sent.\n" * 3
LONG = " ".join(f"word{i:03d}" for i in range(400))


def assert_no_raw_controls(text: str, where: str) -> None:
    found = [c for c in RAW if c in text]
    assert not found, f"raw {found!r} in {where}: {text!r}"


@dataclass
class World:
    sim: Simulator
    root: Path

    @property
    def project(self) -> Path:
        return self.root / "project"

    @property
    def output_dir(self) -> Path:
        return self.root / "runs"

    @property
    def log_file(self) -> Path:
        return self.root / "fiedler.log"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "FIEDLER_CONFIG": str(self.root / "models.yaml"),
            "FIEDLER_ALLOWED_FILE_ROOTS": str(self.project),
            "FIEDLER_OUTPUT_DIR": str(self.output_dir),
            "FIEDLER_LOG_FILE": str(self.log_file),
        }

    async def run(self, *args: str, demo: bool = False) -> tuple[int, str, str]:
        env = self.env()
        if demo:
            del env["FIEDLER_CONFIG"]
        return await run_fiedler([*(["--demo"] if demo else []), *args], env, self.project)

    def only_run(self) -> Path:
        [run_dir] = list(self.output_dir.iterdir())
        return run_dir


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    error_body = json.dumps({"error": {"message": HOSTILE, "type": "invalid_request_error"}})
    models = [
        SimulatedModel(name="angry", script=ModelScript(faults=(Fault.http(400, error_body),))),
        SimulatedModel(name="colour", script=ModelScript(reply=ANSWER)),
        SimulatedModel(name="long", default=False, script=ModelScript(reply=LONG)),
        SimulatedModel(
            name="local", kind="openai-compatible", wire_id=f"llama{HOSTILE}", default=False
        ),
    ]
    async with Simulator(scripts_for(models)) as sim:
        (tmp_path / "models.yaml").write_text(config_text(sim.base_url, models))
        (tmp_path / "project").mkdir()
        (tmp_path / "project" / "app.py").write_text("def main():\n    return 42\n")
        yield World(sim, tmp_path)


async def test_a_servers_control_sequences_reach_no_output_and_no_log_raw(world: World) -> None:
    code, out, err = await world.run(
        "send", str(world.project), "-p", "review", "-m", "angry", "-m", "colour", "--events"
    )
    assert code == 1, err  # angry failed
    assert_no_raw_controls(err, "send's stderr")
    assert SHOWN in err
    assert_no_raw_controls(out, "send --events")
    events = [json.loads(line) for line in out.splitlines()]  # still valid JSON lines
    text = "".join(e["text"] for e in events if e["type"] == "TextDelta")
    assert text == ANSWER  # the answer's text, exact once decoded
    [failed] = [e for e in events if e["type"] == "Failed"]
    assert HOSTILE in failed["error"]["message"]
    run_dir = world.only_run()
    assert (run_dir / "colour.md").read_bytes() == ANSWER.encode()  # saved byte-exact

    code, out, err = await world.run("runs", "show", run_dir.name)
    assert code == 0, err
    assert_no_raw_controls(out + err, "runs show")
    assert SHOWN in out
    assert "kept as sent" not in out  # no answer printed
    code, out, _ = await world.run("runs", "show", run_dir.name, "--json")
    assert_no_raw_controls(out, "runs show --json")
    models = {m["alias"]: m for m in json.loads(out)["summary"]["models"]}
    assert HOSTILE in models["angry"]["error"]["message"]
    code, out, _ = await world.run("runs")
    assert code == 0 and run_dir.name in out

    log = world.log_file.read_text("utf-8")
    assert_no_raw_controls(log, "the log file")
    assert SHOWN in log


async def test_hostile_file_names_and_arguments_are_shown_escaped(world: World) -> None:
    evil = "evil\x1b]52;c;ZXZpbA==\x07\x1b[2J\u202e.py"
    (world.project / evil).write_text("x = 1\n")
    (world.project / "bin\x9b2J.dat").write_bytes(b"\x00\x01binary")
    code, out, err = await world.run("dry-run", ".", "-p", "review", "-m", "colour")
    assert code == 0, err
    assert_no_raw_controls(out + err, "dry-run")
    assert "]52;c;ZXZpbA==" in out and "\\u202e.py" in out and "2J.dat" in out
    # A glob can hand argparse a name starting with "-": its error quotes it, escaped.
    code, out, err = await world.run("dry-run", ".", "-p", "x", "-\x1b]52;c;ZXZpbA==\x07")
    assert code == 2
    assert_no_raw_controls(out + err, "argparse's error")
    assert "unrecognized arguments: -\\x1b]52;c;ZXZpbA==\\x07" in err
    code, _, err = await world.run("dry-run", f"gone\x1b[2J{evil}", "-p", "x", "-m", "colour")
    assert code == 2
    assert_no_raw_controls(err, "a missing path's error")


async def test_model_ids_from_a_servers_listing_are_shown_escaped(world: World) -> None:
    _, out, err = await world.run("doctor")
    assert_no_raw_controls(out + err, "doctor")
    assert f"llama{SHOWN}" in out
    _, out, _ = await world.run("doctor", "--json")
    assert_no_raw_controls(out, "doctor --json")
    [server] = [c for c in json.loads(out)["checks"] if c["name"] == "server sim-openai-compatible"]
    assert f"llama{HOSTILE}" in server["detail"]


def run_into_closed_pipe(args: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str]:
    """Run fiedler with standard output a pipe nobody reads any more (as ``| head`` leaves it)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "fiedler_tui", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            env=env,
            cwd=cwd,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    return result.returncode, result.stderr.decode()


async def test_a_reader_that_stops_early_only_stops_the_printing(world: World) -> None:
    env = world.env()
    for args in (["models"], ["runs"], ["--help"], ["doctor", "--json"]):
        code, err = await asyncio.to_thread(run_into_closed_pipe, args, env, world.project)
        assert code == 0, (args, err)
        assert "Error" not in err and "internal error" not in err and "Exception" not in err

    # Started with its output closed outright (Python then has no sys.stdout or sys.stderr).
    closed = await asyncio.create_subprocess_exec(
        "bash",
        "-c",
        f"'{sys.executable}' -m fiedler_tui runs >&- 2>&-; echo $?",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
        cwd=world.project,
    )
    assert await asyncio.wait_for(closed.communicate(), timeout=60) == (b"0\n", b"")

    send = ["send", str(world.project), "-p", "review", "-m", "long", "--events"]
    code, err = await asyncio.to_thread(run_into_closed_pipe, send, env, world.project)
    assert code == 0, err
    assert "Error" not in err and "internal error" not in err and "Exception" not in err
    assert "done" in err
    run_dir = world.only_run()
    assert json.loads((run_dir / "summary.json").read_text())["status"] == "done"
    assert (run_dir / "long.md").read_text() == LONG  # the run went on to the end

    # The shell's own pipe, as a user types it: two events shown, the run completes.
    line = " ".join(f"'{a}'" for a in [sys.executable, "-m", "fiedler_tui", *send])
    proc = await asyncio.create_subprocess_exec(
        "bash",
        "-c",
        f'{line} | head -2; echo "exit ${{PIPESTATUS[0]}}" >&2',
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
        cwd=world.project,
    )
    out, err_bytes = await asyncio.wait_for(proc.communicate(), timeout=60)
    err = err_bytes.decode()
    assert len(out.decode().splitlines()) == 2
    assert "exit 0" in err and "Error" not in err and "internal error" not in err, err
    runs = [json.loads((d / "summary.json").read_text()) for d in world.output_dir.iterdir()]
    assert [r["status"] for r in runs] == ["done", "done"]


def test_config_naming_a_folder_or_a_fifo_says_what_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(tmp_path), "models"]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path}: config file named by --config is a directory" in err
    assert "does not exist" not in err
    fifo = tmp_path / "models.yaml"
    os.mkfifo(fifo)
    assert main(["--config", str(fifo), "models"]) == 2  # refused, not read (it would block)
    assert "is not a regular file" in capsys.readouterr().err


async def test_demo_works_with_every_command_without_keys_or_network(world: World) -> None:
    (world.project / "notes.md").write_text("# notes\n")
    results = await asyncio.gather(
        world.run("models", demo=True),
        world.run("keys", "list", demo=True),
        world.run("doctor", demo=True),
        world.run("dry-run", ".", "-p", "review", demo=True),
    )
    (models, keys, doctor, dry_run) = results
    assert models[0] == 0 and "config: demo" in models[1] and "demo-swift" in models[1]
    assert keys[0] == 0 and "demo-openai" in keys[1] and "not needed" in keys[1]
    assert doctor[0] == 0, doctor
    assert "config: demo" in doctor[1] and "server demo-local:" in doctor[1]
    assert "reachable" in doctor[1]
    assert dry_run[0] == 0, dry_run
    assert "notes.md" in dry_run[1] and "demo-steady" in dry_run[1]

    code, _, err = await world.run("send", ".", "-p", "review", "-m", "swift", demo=True)
    assert code == 0, err
    assert "demo-swift" in err and "done" in err
    run_dir = world.only_run()
    assert "Summary" in (run_dir / "demo-swift.md").read_text()
    code, out, _ = await world.run("runs", demo=True)
    assert code == 0 and run_dir.name in out and "demo-swift" in out
    code, out, _ = await world.run("runs", "show", run_dir.name, demo=True)
    assert code == 0 and "demo-swift: done" in out
    assert world.sim.requests == []  # nothing reached the test's own simulator
