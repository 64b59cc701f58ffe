"""Run screen streaming benchmark: CPU per token, event-loop lag and memory with 8 busy panes.

The provider simulator runs in a subprocess (its CPU is not charged to the app). Each scenario
runs twice in this process: once through the Run screen (``ui``) and once consuming the same
``SendSession`` without any UI (``core``: HTTP, SSE, events, the run recorder), so the UI's own
cost is the difference. Figures:

- CPU seconds per 1,000 tokens (process CPU from the first request to the last event);
- event-loop lag: a task sleeps 10 ms in a loop and records how late it wakes (p50/p99/max);
- CPU per 1,000 tokens per quarter of the run (does the cost grow with what is already shown?),
  and the 4x longer scenario against the short one;
- RSS after 8 panes x 100k tokens (streamed as fast as possible), against the core alone;
- ``typical`` (not run by default): 8 x 200 tok/s, closer to real models, for comparison.

``--tmux`` runs the ``ui`` half in a real terminal (tmux, 200x50) instead of headless: headless
Textual renders every widget and composes the screen but skips writing escape sequences.

Each measurement runs in a fresh process (so RSS and caches are not shared between them).

Usage: ``.venv/bin/python bench/tui_stream.py [--scenarios short,long,bulk] [--tmux]``.
Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import simulator_process

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fiedler_tui.core.budget import DryRunEngine, DryRunOptions  # noqa: E402
from fiedler_tui.core.config.schema import Config  # noqa: E402
from fiedler_tui.core.keys import KeyStore  # noqa: E402
from fiedler_tui.core.runner import TextDelta  # noqa: E402
from fiedler_tui.core.send import SendSession  # noqa: E402
from fiedler_tui.core.settings import Settings  # noqa: E402
from fiedler_tui.core.simulator import (  # noqa: E402
    ModelScript,
    SimulatedModel,
    simulated_config,
    simulator_base_url,
)

KINDS = ("openai", "anthropic", "gemini", "openai-compatible")
PANES = 8
LAG_TICK_S = 0.010
STALL_S = 0.050
"""Lag samples this long count as stalls (the p99 target)."""
GC_SHOWN_S = 0.010
"""Collections this long are matched against stalls."""
SAMPLE_EVERY_S = 0.25


@dataclass(frozen=True)
class Scenario:
    name: str
    tokens: int
    tokens_per_s: float | None

    def reply(self) -> str:
        """Prose-like lines of 12 words, a blank line every 8 lines (one word = one token)."""
        words = [f"w{i:06d}" for i in range(self.tokens)]
        lines = [" ".join(words[i : i + 12]) for i in range(0, len(words), 12)]
        return "\n".join(line + ("\n" if n % 8 == 7 else "") for n, line in enumerate(lines))

    def models(self) -> list[SimulatedModel]:
        script = ModelScript(reply=self.reply(), ttft_s=0.2, tokens_per_s=self.tokens_per_s)
        return [
            SimulatedModel(name=f"{self.name}-{i}", kind=KINDS[i % len(KINDS)], script=script)
            for i in range(PANES)
        ]


SCENARIOS = {
    "typical": Scenario("typical", tokens=2_000, tokens_per_s=200.0),
    "short": Scenario("short", tokens=20_000, tokens_per_s=2000.0),
    "long": Scenario("long", tokens=80_000, tokens_per_s=2000.0),
    "bulk": Scenario("bulk", tokens=100_000, tokens_per_s=None),
}


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Probe:
    """Loop lag and (cpu, chars) samples while a run is going."""

    def __init__(self) -> None:
        self.lags: list[float] = []
        self.stalls: list[tuple[float, float]] = []
        """(end, length) of each lag sample over STALL_S: what the p99 is made of."""
        self.gc_pauses: list[tuple[int, float, float]] = []
        """(generation, end, length) of each garbage collection while the probe ran."""
        self.samples: list[tuple[float, float, int]] = []
        self.chars = 0
        self._task: asyncio.Task[None] | None = None
        self._gc_start = 0.0

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        now = time.perf_counter()
        if phase == "start":
            self._gc_start = now
        else:
            self.gc_pauses.append((info["generation"], now, now - self._gc_start))

    async def _run(self) -> None:
        last_sample = 0.0
        while True:
            before = time.perf_counter()
            await asyncio.sleep(LAG_TICK_S)
            now = time.perf_counter()
            lag = now - before - LAG_TICK_S
            self.lags.append(lag)
            if lag >= STALL_S:
                self.stalls.append((now, lag))
            if now - last_sample >= SAMPLE_EVERY_S:
                self.samples.append((now, time.process_time(), self.chars))
                last_sample = now

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())
        gc.callbacks.append(self._on_gc)

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
        if self._on_gc in gc.callbacks:
            gc.callbacks.remove(self._on_gc)
        self.samples.append((time.perf_counter(), time.process_time(), self.chars))


def world(root: str, scenario: Scenario, folder: Path) -> tuple[Config, SendSession]:
    settings = {f"sim-{kind}": {"max_concurrency": PANES, "read_timeout_s": 60} for kind in KINDS}
    models = scenario.models()
    config = simulated_config(
        lambda kind, prefix: simulator_base_url(root, kind, prefix),
        models,
        provider_settings=settings,
    )
    project = folder / "project"
    project.mkdir(exist_ok=True)
    (project / "a.py").write_text("x = 1\n")
    env = {
        **os.environ,
        "FIEDLER_NO_DISK": "1",
        "FIEDLER_ALLOWED_FILE_ROOTS": str(project),
        "FIEDLER_MAX_CONCURRENCY": str(PANES),
    }
    app_settings = Settings.from_env(env)
    aliases = [m.name for m in models]
    with DryRunEngine(app_settings) as engine:
        result = engine.run(
            [project], [config.resolve(a) for a in aliases], DryRunOptions(prompt="review")
        )
    session = SendSession(
        config=config,
        settings=app_settings,
        keys={name: None for name in config.providers},
        result=result,
        aliases=aliases,
    )
    session.preflight()
    return config, session


def figures(probe: Probe, session: SendSession, cpu_s: float, wall_s: float) -> dict[str, Any]:
    recorder = session.recorder
    assert recorder is not None
    tokens = sum(r.usage_output or 0 for r in recorder.records.values())
    statuses = sorted({r.status for r in recorder.records.values()})
    chars = probe.chars or 1
    per_char = tokens / chars
    quarters: list[float] = []
    samples = probe.samples
    if len(samples) >= 8:
        first_char_index = next(i for i, s in enumerate(samples) if s[2] > 0)
        streaming = samples[max(0, first_char_index - 1) :]
        n = len(streaming) - 1
        for q in range(4):
            a, b = streaming[q * n // 4], streaming[(q + 1) * n // 4]
            q_tokens = (b[2] - a[2]) * per_char
            quarters.append((b[1] - a[1]) / q_tokens * 1000 if q_tokens else float("nan"))
    lags = sorted(probe.lags) or [0.0]
    long_gcs = [(g, end, length) for g, end, length in probe.gc_pauses if length >= GC_SHOWN_S]
    # A stall "is" a collection when a collection of at least GC_SHOWN_S ended inside it.
    gc_stalls = sum(
        any(stall_end - stall - LAG_TICK_S <= gc_end <= stall_end for _, gc_end, _ in long_gcs)
        for stall_end, stall in probe.stalls
    )
    return {
        "tokens": tokens,
        "statuses": statuses,
        "cpu_s": cpu_s,
        "wall_s": wall_s,
        "cpu_per_1k": cpu_s / tokens * 1000 if tokens else float("nan"),
        "quarters": quarters,
        "lag_p50_ms": statistics.median(lags) * 1000,
        "lag_p99_ms": lags[min(len(lags) - 1, int(len(lags) * 0.99))] * 1000,
        "lag_max_ms": lags[-1] * 1000,
        "stalls": len(probe.stalls),
        "gc_stalls": gc_stalls,
        "gc_max_ms": {  # string keys: the figures come back from the child as JSON
            str(gen): 1000 * max((ln for g, _, ln in probe.gc_pauses if g == gen), default=0.0)
            for gen in (0, 1, 2)
        },
        "gc_count": {str(gen): sum(g == gen for g, _, _ in probe.gc_pauses) for gen in (0, 1, 2)},
        "rss_mb": rss_mb(),
    }


async def run_core(session: SendSession) -> dict[str, Any]:
    probe = Probe()
    probe.start()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    async with session:
        async for event in session.events():
            if isinstance(event, TextDelta):
                probe.chars += len(event.text)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    probe.stop()
    return figures(probe, session, cpu, wall)


async def drive_ui(app: Any, session: SendSession) -> dict[str, Any]:
    """Push the Run screen for ``session`` in a running app and measure until it ends."""
    from fiedler_tui.tui.screens.run import RunScreen

    rss_before = rss_mb()
    screen = RunScreen(session)
    probe = Probe()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    await app.push_screen(screen)
    probe.start()
    while not screen.finished:
        probe.chars = sum(p.state.chars for p in screen.panes)
        await asyncio.sleep(0.05)
    probe.chars = sum(p.state.chars for p in screen.panes)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    probe.stop()
    result = figures(probe, session, cpu, wall)
    result["rss_before_mb"] = rss_before
    result["shown_chars"] = sum(len(p.text) for p in screen.panes)
    return result


def new_app(session: SendSession) -> Any:
    from fiedler_tui.tui.app import FiedlerApp

    return FiedlerApp(
        settings=session.settings,
        config=session.config,
        keystore=KeyStore(env={}),
        start_screen=False,
    )


async def run_ui_headless(session: SendSession) -> dict[str, Any]:
    app = new_app(session)
    async with app.run_test(size=(200, 50)):
        return await drive_ui(app, session)


def run_child(mode: str, root: str, scenario: Scenario, out: Path) -> None:
    """One measurement in this (fresh) process: ``core``, ``ui`` headless, or ``tty`` (the app on
    the real terminal driver, for a tmux pane); the figures go to ``out`` as JSON."""
    with tempfile.TemporaryDirectory() as folder:
        _, session = world(root, scenario, Path(folder))
        if mode == "core":
            figures = asyncio.run(run_core(session))
        elif mode == "ui":
            figures = asyncio.run(run_ui_headless(session))
        else:
            app = new_app(session)
            figures = {}

            async def pilot(_: Any) -> None:
                await asyncio.sleep(0.5)  # let the first screen settle
                figures.update(await drive_ui(app, session))
                app.exit()

            app.run(auto_pilot=pilot)
        out.write_text(json.dumps(figures))


def run_in_child(mode: str, root: str, scenario: Scenario, folder: Path, flags: list[str]) -> Any:
    out = folder / f"{scenario.name}-{mode}.json"
    command = [sys.executable, __file__, "--child", mode, "--scenario", scenario.name]
    command += ["--root", root, "--out", str(out), *flags]
    if mode != "tty":
        subprocess.run(command, check=True, cwd=str(ROOT))
    else:
        sys.path.insert(0, str(ROOT / "tests"))
        from support.tmux import TmuxSession

        with TmuxSession(command, size=(200, 50), cwd=str(ROOT)) as tmux:
            deadline = time.monotonic() + 300
            while not out.exists() and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(0.2)
            if not out.exists():
                raise SystemExit(f"the app in tmux wrote no figures:\n{tmux.capture()}")
    return json.loads(out.read_text())


def start_simulator(folder: Path, scenarios: list[Scenario]) -> tuple[subprocess.Popen[str], str]:
    scripts = {m.model_id: m.script.to_json() for s in scenarios for m in s.models()}
    return simulator_process.start_simulator(scripts, folder, cwd=ROOT)


def show(label: str, f: dict[str, Any]) -> None:
    quarters = " / ".join(f"{q:.3f}" for q in f["quarters"]) or "-"
    print(
        f"  {label:<5} tokens {f['tokens']:>8,}  wall {f['wall_s']:6.2f}s  cpu {f['cpu_s']:6.2f}s"
        f"  = {f['cpu_per_1k']:.3f} cpu-s/1k tok  quarters {quarters}"
    )
    print(
        f"        loop lag p50 {f['lag_p50_ms']:5.2f} ms  p99 {f['lag_p99_ms']:6.2f} ms"
        f"  max {f['lag_max_ms']:6.1f} ms  rss {f['rss_mb']:.0f} MB  statuses {f['statuses']}"
    )
    gcs = "  ".join(
        f"gen{gen} {f['gc_count'][gen]}x max {f['gc_max_ms'][gen]:.0f} ms" for gen in "012"
    )
    print(
        f"        stalls >= {STALL_S * 1000:.0f} ms: {f['stalls']}"
        f" ({f['gc_stalls']} with a collection >= {GC_SHOWN_S * 1000:.0f} ms in them)  gc: {gcs}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scenarios", default="short,long,bulk")
    parser.add_argument("--tmux", action="store_true", help="ui half in a real terminal (tmux)")
    parser.add_argument(
        "--no-gc-tuning", action="store_true", help="RunScreen.TUNE_GC off (for comparison)"
    )
    parser.add_argument("--child", choices=["core", "ui", "tty"], help=argparse.SUPPRESS)
    parser.add_argument("--scenario", help=argparse.SUPPRESS)
    parser.add_argument("--root", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.no_gc_tuning:
        from fiedler_tui.tui.screens.run import RunScreen

        RunScreen.TUNE_GC = False
    if args.child:
        run_child(args.child, args.root, SCENARIOS[args.scenario], args.out)
        return
    chosen = [SCENARIOS[name] for name in args.scenarios.split(",")]
    where = "tmux 200x50 (real terminal driver)" if args.tmux else "headless run_test 200x50"
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores")
    gc_note = "off" if args.no_gc_tuning else "on"
    print(f"{PANES} panes; ui: {where}; RunScreen gc tuning {gc_note}; simulator in a subprocess")
    results: dict[str, dict[str, dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        process, root = start_simulator(folder, chosen)
        try:
            for scenario in chosen:
                pace = f"{scenario.tokens_per_s:g} tok/s" if scenario.tokens_per_s else "unpaced"
                print(f"\n## {scenario.name}: {PANES} x {scenario.tokens:,} tokens, {pace}")
                sub = folder / scenario.name
                sub.mkdir()
                flags = ["--no-gc-tuning"] if args.no_gc_tuning else []
                core = run_in_child("core", root, scenario, sub, flags)
                show("core", core)
                ui = run_in_child("tty" if args.tmux else "ui", root, scenario, sub, flags)
                show("ui", ui)
                extra = (ui["cpu_s"] - core["cpu_s"]) / ui["tokens"] * 1000 if ui["tokens"] else 0
                print(f"        ui minus core: {extra:.3f} cpu-s per 1k tokens")
                if scenario.name == "bulk":
                    print(
                        f"        rss: ui {ui['rss_before_mb']:.0f} MB before the run,"
                        f" {ui['rss_mb']:.0f} MB after; core alone {core['rss_mb']:.0f} MB after;"
                        f" shown {ui['shown_chars']:,} characters"
                    )
                results[scenario.name] = {"core": core, "ui": ui}
        finally:
            process.terminate()
            process.wait(timeout=5)
    if "short" in results and "long" in results:
        short, long = results["short"]["ui"], results["long"]["ui"]
        print(
            f"\n4x longer output: ui cpu per 1k tokens {short['cpu_per_1k']:.3f} -> "
            f"{long['cpu_per_1k']:.3f} ({long['cpu_per_1k'] / short['cpu_per_1k']:.2f}x)"
        )


if __name__ == "__main__":
    main()
