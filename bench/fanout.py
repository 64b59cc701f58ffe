"""Fan-out benchmark: how much the runner adds on top of the providers' own latency.

Runs the provider simulator in a subprocess (so its CPU time is not counted against the
pipeline) and prints two figures:

1. 16 models (4 each on OpenAI, Anthropic, Gemini and an OpenAI-compatible server) with 1 s
   simulated time to first token: total wall time of the fan-out versus the slowest model's
   scripted duration, i.e. the overhead in ms.
2. 16 models streaming at 1,250 tokens/s each (20,000 tokens/s aggregate): client CPU time per
   delivered token, in µs, covering HTTP, SSE decoding, JSON parsing, events and the consumer loop.
3. Cancellation: 16 models mid-stream, ``cancel_all()``; time until the last ``Cancelled`` event.

``--proxy`` sends every request through a forward proxy process on loopback
(``tests/support/forward_proxy.py``, named in models.yaml as each provider's ``proxy:``), so the
figures compare with the direct ones.

Usage: ``.venv/bin/python bench/fanout.py [--repeat N] [--proxy]``. Figures only; nothing is
asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import simulator_process

from fiedler_tui.core.config.schema import Config
from fiedler_tui.core.request import ReviewRequest
from fiedler_tui.core.runner import Cancelled, Failed, Finished, Runner, TextDelta
from fiedler_tui.core.simulator import (
    ModelScript,
    SimulatedModel,
    simulated_config,
    simulator_base_url,
)

KINDS = ("openai", "anthropic", "gemini", "openai-compatible")
MODELS = 16
REQUEST = ReviewRequest(prompt="Review the package.", package_text="=== a.py ===\nx = 1\n" * 50)


@dataclass(frozen=True)
class Scenario:
    name: str
    ttft_s: float
    tokens: int
    tokens_per_s: float | None

    def script(self) -> ModelScript:
        reply = " ".join(f"w{i}" for i in range(self.tokens))
        return ModelScript(reply=reply, ttft_s=self.ttft_s, tokens_per_s=self.tokens_per_s)

    def models(self) -> list[SimulatedModel]:
        return [
            SimulatedModel(
                name=f"{self.name}-{i}", kind=KINDS[i % len(KINDS)], script=self.script()
            )
            for i in range(MODELS)
        ]

    @property
    def scripted_duration_s(self) -> float:
        """TTFT plus the paced stream: the slowest model's duration with zero overhead."""
        stream = (self.tokens - 1) / self.tokens_per_s if self.tokens_per_s else 0.0
        return self.ttft_s + stream


LATENCY = Scenario("latency", ttft_s=1.0, tokens=20, tokens_per_s=200.0)
THROUGHPUT = Scenario("throughput", ttft_s=0.2, tokens=3750, tokens_per_s=1250.0)


@dataclass(frozen=True)
class Measurement:
    wall_s: float
    slowest_model_s: float
    cpu_s: float
    tokens: int
    deltas: int
    failures: int


def start_simulator(scenarios: list[Scenario], folder: Path) -> tuple[subprocess.Popen[str], str]:
    scripts = {m.name: m.script.to_json() for s in scenarios for m in s.models()}
    return simulator_process.start_simulator(scripts, folder)


def start_proxy() -> tuple[subprocess.Popen[str], str]:
    script = Path(__file__).resolve().parent.parent / "tests" / "support" / "forward_proxy.py"
    process = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline().split()
    if line[:1] != ["ready"]:
        process.kill()
        raise SystemExit(f"proxy did not start: {line}")
    return process, f"http://127.0.0.1:{line[1]}"


def config_for(root: str, scenario: Scenario, proxy: str | None = None) -> Config:
    settings = {
        f"sim-{kind}": {"max_concurrency": MODELS, "read_timeout_s": 30}
        | ({"proxy": proxy} if proxy else {})
        for kind in KINDS
    }
    return simulated_config(
        lambda kind, prefix: simulator_base_url(root, kind, prefix),
        scenario.models(),
        provider_settings=settings,
    )


async def measure(config: Config, scenario: Scenario) -> Measurement:
    names = [m.name for m in scenario.models()]
    async with Runner(config, {}, global_limit=MODELS) as runner:
        # warm the connection pool and imports with one tiny request per provider
        async for _ in runner.run(REQUEST, names[: len(KINDS)]):
            pass
        cpu0, wall0 = time.process_time(), time.perf_counter()
        tokens = failures = deltas = 0
        slowest = 0.0
        async for event in runner.run(REQUEST, names):
            if isinstance(event, TextDelta):
                deltas += 1
            elif isinstance(event, Finished):
                slowest = max(slowest, event.timings.total_s)
                tokens += event.usage.output_tokens or 0
            elif isinstance(event, Failed):
                failures += 1
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    return Measurement(wall, slowest, cpu, tokens, deltas, failures)


def report(scenario: Scenario, runs: list[Measurement]) -> None:
    wall = statistics.median(r.wall_s for r in runs)
    slowest = statistics.median(r.slowest_model_s for r in runs)
    cpu = statistics.median(r.cpu_s for r in runs)
    tokens = runs[0].tokens
    heading = f"{MODELS} models, TTFT {scenario.ttft_s:g} s, {scenario.tokens} tokens each"
    print(f"\n## {scenario.name}: {heading}", end="")
    print(f" at {scenario.tokens_per_s:g} tok/s" if scenario.tokens_per_s else " (unpaced)")
    print(
        f"  runs: {len(runs)}, failures: {sum(r.failures for r in runs)}, tokens per run: {tokens}"
    )
    print(f"  scripted slowest model: {scenario.scripted_duration_s * 1000:8.1f} ms")
    print(f"  measured slowest model: {slowest * 1000:8.1f} ms")
    print(f"  fan-out wall time:      {wall * 1000:8.1f} ms")
    print(f"  overhead vs scripted:   {(wall - scenario.scripted_duration_s) * 1000:8.1f} ms")
    print(f"  overhead vs slowest:    {(wall - slowest) * 1000:8.1f} ms")
    print(f"  aggregate rate:         {tokens / wall:8.0f} tokens/s")
    print(f"  client CPU:             {cpu * 1000:8.1f} ms = {cpu / tokens * 1e6:6.1f} µs/token")


async def cancel_latency(config: Config, scenario: Scenario) -> float:
    """Seconds from ``cancel_all()`` (all 16 streaming) to the last ``Cancelled`` event."""
    names = [m.name for m in scenario.models()]
    async with Runner(config, {}, global_limit=MODELS) as runner:
        fan_out = runner.start(REQUEST, names)
        streaming: set[str] = set()
        cancelled_at = 0.0
        ended = 0
        async with fan_out:
            async for event in fan_out:
                if isinstance(event, TextDelta) and not cancelled_at:
                    streaming.add(event.model)
                    if len(streaming) == MODELS:
                        cancelled_at = time.perf_counter()
                        fan_out.cancel_all()
                elif isinstance(event, Cancelled):
                    ended += 1
        assert ended == MODELS, ended
        return time.perf_counter() - cancelled_at


async def main(repeat: int, via_proxy: bool) -> None:
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        process, root = start_simulator([LATENCY, THROUGHPUT], Path(folder))
        proxy_process, proxy = start_proxy() if via_proxy else (None, None)
        if proxy:
            print(f"every request through the proxy at {proxy}")
        try:
            for scenario in (LATENCY, THROUGHPUT):
                config = config_for(root, scenario, proxy)
                runs = [await measure(config, scenario) for _ in range(repeat)]
                report(scenario, runs)
            config = config_for(root, THROUGHPUT, proxy)
            latencies = [await cancel_latency(config, THROUGHPUT) for _ in range(repeat)]
            print(f"\n## cancel: {MODELS} models mid-stream at 1250 tok/s, cancel_all()")
            median_ms = statistics.median(latencies) * 1000
            print(f"  last Cancelled event after: {median_ms:6.1f} ms (median)")
            print(f"  worst of {repeat} runs:          {max(latencies) * 1000:6.1f} ms")
        finally:
            for running in (process, proxy_process):
                if running is not None:
                    running.terminate()
                    running.wait(timeout=5)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--proxy", action="store_true", help="through a forward proxy process")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.repeat, arguments.proxy))
