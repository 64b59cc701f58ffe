"""Batch review set benchmark: 500 units x 3 models through the simulated batch APIs.

The simulator runs in a subprocess (``python -m fiedler_tui.core.simulator --scripts``); the
commands run as real processes, as a user runs them:

1. ``fiedler batch submit PROJECT --per file -m gpt -m claude -m gem --json`` on 500 files:
   wall time (the set's dry run of 500 units, three batch uploads/creates, the state file) and
   the process's peak memory (max RSS);
2. ``fiedler batch fetch ID --json``: wall time to save 1,500 answers in 500 run folders, and
   its peak memory;
3. the worst case shown at batch prices against the same set sent live, and the cost of the
   usage reported by the simulator at batch prices against the same usage at live prices.

Usage: ``.venv/bin/python bench/batch.py [--units N]``. Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fiedler_tui.core.simulator import ModelScript, SimulatedModel, config_text, simulator_base_url

REPLY = " ".join(f"finding{i:02d}" for i in range(60))
MODELS = [
    SimulatedModel(name="gpt", kind="openai", price_in=1.25, price_out=10.0),
    SimulatedModel(name="claude", kind="anthropic", price_in=3.0, price_out=15.0),
    SimulatedModel(name="gem", kind="gemini", price_in=1.25, price_out=10.0),
]


def _project(root: Path, units: int) -> None:
    for index in range(units):
        folder = root / f"pkg{index // 50:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        body = "".join(f"def f{index}_{n}(x):\n    return x * {n}\n\n" for n in range(20))
        (folder / f"mod{index:03d}.py").write_text(body)


def _run(args: list[str], env: dict[str, str]) -> tuple[float, float, int, dict[str, object]]:
    """Wall seconds, CPU seconds and peak RSS in MB of that process alone, its JSON output."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(
            [sys.executable, "-m", "fiedler_tui", *args], env=env, stdout=out, stderr=err
        )
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            message = err.read().decode()[-2000:]
            raise SystemExit(f"{args[:2]} failed ({child.returncode}): {message}")
        cpu = usage.ru_utime + usage.ru_stime
        return wall, cpu, usage.ru_maxrss // 1024, json.loads(out.read())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        scripts = {m.name: ModelScript(reply=REPLY).to_json() for m in MODELS}
        (root / "scripts.json").write_text(json.dumps(scripts))
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "fiedler_tui.core.simulator",
                "--scripts",
                str(root / "scripts.json"),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None
            port = int(server.stdout.readline().split()[1])
            url = f"http://127.0.0.1:{port}"
            (root / "models.yaml").write_text(
                config_text(lambda kind, prefix: simulator_base_url(url, kind, prefix), MODELS)
            )
            project = root / "project"
            _project(project, args.units)
            env = dict(
                os.environ,
                FIEDLER_CONFIG=str(root / "models.yaml"),
                FIEDLER_ALLOWED_FILE_ROOTS=str(project),
                FIEDLER_OUTPUT_DIR=str(root / "runs"),
                XDG_STATE_HOME=str(root / "state"),
                XDG_DATA_HOME=str(root / "data"),
            )
            models = [a for m in MODELS for a in ("-m", m.name)]
            submit_s, submit_cpu, submit_mb, plan = _run(
                ["batch", "submit", str(project), "-p", "Review this module.", *models, "--json"],
                env,
            )
            job_id = str(plan["job_id"])
            fetch_s, fetch_cpu, fetch_mb, fetched = _run(["batch", "fetch", job_id, "--json"], env)
            state = next((root / "state").rglob(f"{job_id}.json"))
            cost = plan["cost"]
            assert isinstance(cost, dict)
            spent = float(fetched["cost_usd"])  # type: ignore[arg-type]
            print(f"python {platform.python_version()}, {os.cpu_count()} cpus")
            print(
                f"set: {len(plan['units'])} units x {len(MODELS)} models = "  # type: ignore[arg-type]
                f"{plan['requests']} requests; counts after fetch {fetched['counts']}"
            )
            print(f"submit: {submit_s:.2f} s wall, {submit_cpu:.2f} s CPU, peak RSS {submit_mb} MB")
            print(f"fetch:  {fetch_s:.2f} s wall, {fetch_cpu:.2f} s CPU, peak RSS {fetch_mb} MB")
            print(f"state file: {state.stat().st_size / 1024:.0f} KiB")
            print(
                f"worst case shown: ${cost['total_usd_max']:.4f} in batch vs "
                f"${cost['total_usd_max_live']:.4f} live"
            )
            print(f"reported usage priced: ${spent:.4f} in batch vs ${spent * 2:.4f} live")
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
