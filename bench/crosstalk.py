"""Crosstalk: what the deliberation engine adds per round, and what caching saves.

The provider simulator runs in a subprocess (its CPU time is not charged to the engine); five
members over the three wire formats (OpenAI x2, Anthropic x2, Gemini) deliberate in a debate of
three rounds on a ~40,000-character package, each member scripted with 0.2 s to first token and
80 tokens at 400 tokens/s, answering in kind (the simulator's deliberating replies: one member
disagrees in round 2, so no round stops early). One Runner, warmed by a request per provider.

- orchestration overhead per round: from the previous round's end (the deliberation's start for
  round 1) to this round's end, minus the slowest member's own total time as the runner measured
  it (anonymising, building requests, verdict parsing, event plumbing, the simulator's request
  parse not included as it is in the member's time);
- cache: for every turn after a member's first, the package's input cost as billed (uncached
  tokens at ``price_in``, cached at ``price_cached_in``, written at ``price_cache_write``) over
  the package's uncached cost, with the simulator's token counts (4 characters a token).

    .venv/bin/python bench/crosstalk.py --repeat 5
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import simulator_process

from fiedler_tui.core.config.schema import Config
from fiedler_tui.core.crosstalk import (
    Deliberation,
    RoundEnded,
    RoundStarted,
    TurnEvent,
    build_plan,
)
from fiedler_tui.core.files.roots import AllowedRoots
from fiedler_tui.core.request import ReviewRequest
from fiedler_tui.core.runner import Finished, Runner
from fiedler_tui.core.simulator import (
    ModelScript,
    SimulatedModel,
    simulated_config,
    simulator_base_url,
)
from fiedler_tui.core.simulator.script import count_tokens

PACKAGE = (
    "FIEDLER-PACKAGE v1 files=1\n"
    + 'FILE "big.py" bytes=40000 lines=1000\n'
    + "".join(f"value_{i:04d} = compute({i}) + offset  # line {i}\n" for i in range(800))
    + 'END FILE "big.py"\n'
)
REPLY = " ".join(f"point{i}" for i in range(80))
PRICES = {
    # USD per 1M tokens: input, output, cached input, cache write (their price pages' ratios)
    "openai": (1.25, 10.0, 0.125, None),
    "anthropic": (3.0, 15.0, 0.30, 3.75),
    "gemini": (1.25, 10.0, 0.3125, None),
}
MEMBERS = [
    ("m1-openai", "openai"),
    ("m2-anthropic", "anthropic"),
    ("m3-gemini", "gemini"),
    ("m4-openai", "openai"),
    ("m5-anthropic", "anthropic"),
]


def models() -> list[SimulatedModel]:
    found = []
    for name, kind in MEMBERS:
        price_in, price_out, cached, write = PRICES[kind]
        found.append(
            SimulatedModel(
                name=name,
                kind=kind,
                script=ModelScript(reply=REPLY, ttft_s=0.2, tokens_per_s=400, deliberates=True),
                price_in=price_in,
                price_out=price_out,
                price_cached_in=cached,
                price_cache_write=write,
            )
        )
    return found


def start_simulator(folder: Path) -> tuple[subprocess.Popen[str], str]:
    return simulator_process.start_simulator({m.name: m.script.to_json() for m in models()}, folder)


async def one_deliberation(config: Config) -> tuple[list[float], list[float]]:
    """Per-round overheads (s) and per-turn billed share of the package (rounds 2+)."""
    plan = build_plan(
        config,
        paradigm="debate",
        members=[name for name, _ in MEMBERS],
        question="Is the offset applied correctly?",
        package_text=PACKAGE,
        roots=AllowedRoots.of([Path.cwd()]),
        rounds=3,
    )
    overheads: list[float] = []
    shares: list[float] = []
    package_tokens = count_tokens(PACKAGE)
    async with Runner(config, {}) as runner:
        warm = ReviewRequest(prompt="warm up", package_text="x = 1\n")
        async for _ in runner.run(warm, ["m1-openai", "m2-anthropic", "m3-gemini"]):
            pass
        mark = time.perf_counter()
        slowest = 0.0
        async for event in Deliberation(runner, plan).events():
            if isinstance(event, RoundStarted):
                slowest = 0.0
            elif isinstance(event, TurnEvent) and isinstance(event.event, Finished):
                slowest = max(slowest, event.event.timings.total_s)
            elif isinstance(event, RoundEnded):
                now = time.perf_counter()
                overheads.append(now - mark - slowest)
                mark = now
                if event.round == 1:
                    continue
                for turn in event.turns:
                    spec = config.resolve(turn.member)
                    cached = min(turn.usage.cached_input_tokens or 0, package_tokens)
                    written = min(turn.usage.cache_write_tokens or 0, package_tokens - cached)
                    plain = package_tokens - cached - written
                    billed = (
                        plain * spec.price_in
                        + cached * (spec.price_cached_in or spec.price_in)
                        + written * (spec.price_cache_write or spec.price_in)
                    )
                    shares.append(billed / (package_tokens * spec.price_in))
    return overheads, shares


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        process, root = start_simulator(Path(folder))
        try:
            config = simulated_config(
                lambda kind, prefix: simulator_base_url(root, kind, prefix), models()
            )
            round_overheads: list[list[float]] = [[], [], []]
            all_shares: list[float] = []
            for _ in range(args.repeat):
                overheads, shares = asyncio.run(one_deliberation(config))
                for index, value in enumerate(overheads[:3]):
                    round_overheads[index].append(value)
                all_shares.extend(shares)
        finally:
            process.kill()
            process.wait()
    print(f"python {platform.python_version()} on {platform.machine()}, {args.repeat} runs")
    print(f"package: {len(PACKAGE):,} chars = {count_tokens(PACKAGE):,} simulated tokens")
    for index, values in enumerate(round_overheads, start=1):
        if values:
            ms = [v * 1000 for v in values]
            print(
                f"round {index}: orchestration overhead median {statistics.median(ms):.1f} ms "
                f"(min {min(ms):.1f}, max {max(ms):.1f})"
            )
    if all_shares:
        print(
            f"rounds 2+: package billed at {100 * statistics.median(all_shares):.1f}% of its "
            f"uncached cost (median over {len(all_shares)} turns; "
            f"max {100 * max(all_shares):.1f}%)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
