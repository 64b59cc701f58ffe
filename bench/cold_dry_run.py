"""Benchmark of the cold dry run as a user runs it, side by side with repomix.

Each run is a new process (cold: nothing in memory, no token-count cache on disk); the commands
run alternately, in one invocation, on the same tree:

- fiedler: ``fiedler --config models.yaml dry-run TREE -m MODEL -p PROMPT --json`` (stdout to a
  file), with ``FIEDLER_NO_DISK=1`` (no token counts kept between processes, no run history,
  calibration or learned limits read or written), the tree as the only allowed root and every
  ``FIEDLER_MAX_*`` cap raised so the whole tree is packaged; ``--fiedler-store`` adds a series
  with the disk allowed and its token counts stored by an earlier run (``XDG_STATE_HOME`` in a
  scratch folder), for reference;
- repomix: ``node REPOMIX TREE -o OUT`` with ``REPOMIX_TOKEN_CACHE=0`` (its token-count cache
  on disk is not used, so it counts every file as fiedler does); ``--repomix-cache`` adds a
  series with its cache warm, for reference;
- ``--baseline-src DIR`` adds a series of the same fiedler command run from another copy of the
  package (``DIR/fiedler_tui``, with ``DIR/models.yaml`` when there is one, e.g. ``git archive
  REV fiedler_tui models.yaml | tar -x -C DIR``), to compare before and after in the same run.

Wall time is measured around each process; CPU time (user + system) and peak RSS are the
process's own ``ru_utime``, ``ru_stime`` and ``ru_maxrss`` from ``os.wait4``. Prints the median
wall time (min-max), CPU time and peak RSS of each command, the ratio of the medians and of each
pair, the file counts and the load average before and after.

``--prepare`` copies the running interpreter's standard library (``sysconfig``'s ``stdlib``,
without ``site-packages`` and ``__pycache__``) into TREE first.

Goal (issue 15): fiedler <= 0.8 x repomix (median wall time), peak RSS <= 300 MB.

Usage: ``python bench/cold_dry_run.py --tree DIR --repomix PATH [--prepare] [--repeat N]
[--model ALIAS] [--baseline-src DIR] [--repomix-cache] [--fiedler-store]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

RAISED = str(10**12)
RATIO_GOAL = 0.8
RSS_GOAL_MB = 300.0
REPO = Path(__file__).resolve().parent.parent
PROMPT = "Review these files."


@dataclass
class Series:
    """One command's runs: wall seconds and peak RSS (MB) per run."""

    name: str
    argv: list[str]
    env: dict[str, str]
    output: Path
    walls: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    """User plus system CPU seconds of each run (less sensitive to a busy machine)."""
    codes: set[int] = field(default_factory=lambda: {0})
    cwd: Path | None = None

    def run_once(self) -> None:
        with self.output.open("wb") as out:
            started = time.perf_counter()
            process = subprocess.Popen(  # cwd: not the repository, whose package -m would import
                self.argv, stdout=out, stderr=subprocess.DEVNULL, env=self.env, cwd=self.cwd
            )
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode not in self.codes:
            raise SystemExit(f"{self.name}: exit {process.returncode}: {' '.join(self.argv)}")
        self.walls.append(wall)
        self.rss_mb.append(usage.ru_maxrss / 1024)
        self.cpu.append(usage.ru_utime + usage.ru_stime)

    def median(self) -> float:
        return statistics.median(self.walls)

    def line(self) -> str:
        return (
            f"{statistics.median(self.walls):.2f} s ({min(self.walls):.2f}-{max(self.walls):.2f}), "
            f"CPU {statistics.median(self.cpu):.2f} s, "
            f"peak RSS {max(self.rss_mb):.0f} MB (median {statistics.median(self.rss_mb):.0f})"
        )


def prepare_tree(tree: Path) -> None:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    if tree.exists():
        raise SystemExit(f"--prepare: {tree} exists; remove it or leave out --prepare")
    shutil.copytree(
        stdlib, tree, symlinks=True, ignore=shutil.ignore_patterns("site-packages", "__pycache__")
    )


def fiedler_series(
    name: str, tree: Path, model: str, scratch: Path, src: Path | None, store: bool = False
) -> Series:
    env = dict(os.environ)
    env.update(
        FIEDLER_ALLOWED_FILE_ROOTS=str(tree),
        FIEDLER_MAX_PACKAGE_BYTES=RAISED,
        FIEDLER_MAX_FILE_BYTES=RAISED,
        FIEDLER_MAX_FILE_COUNT=RAISED,
        FIEDLER_MAX_LINES=RAISED,
        FIEDLER_NO_DISK="1",
    )
    if store:  # the disk allowed, in a scratch folder: token counts kept between runs
        del env["FIEDLER_NO_DISK"]
        env["XDG_STATE_HOME"] = str(scratch / "state")
        env["XDG_DATA_HOME"] = str(scratch / "data")
    config = REPO / "models.yaml"
    if src is not None:
        env["PYTHONPATH"] = str(src)
        if (src / "models.yaml").is_file():  # the models.yaml that code reads
            config = src / "models.yaml"
    argv = [sys.executable, "-m", "fiedler_tui.cli", "--config", str(config)]
    argv += ["dry-run", str(tree), "-m", model, "-p", PROMPT, "--json"]
    output = scratch / f"{name}.json"
    return Series(name, argv, env, output, codes={0, 3}, cwd=scratch)  # 3: blocked (no key...)


def repomix_series(name: str, tree: Path, repomix: Path, scratch: Path, cache: bool) -> Series:
    env = dict(os.environ)
    if not cache:
        env["REPOMIX_TOKEN_CACHE"] = "0"
    node = shutil.which("node") or "node"
    argv = [node, str(repomix), str(tree), "-o", str(scratch / f"{name}.xml")]
    return Series(name, argv, env, scratch / f"{name}.log", cwd=scratch)


def load_average() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, required=True, help="the tree both commands pack")
    parser.add_argument("--repomix", type=Path, required=True, help="repomix's bin script")
    parser.add_argument("--prepare", action="store_true", help="copy the stdlib into --tree")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each command")
    parser.add_argument("--model", default="gpt-5", help="model alias for the dry run")
    parser.add_argument("--baseline-src", type=Path, help="folder holding another fiedler_tui")
    parser.add_argument(
        "--repomix-cache", action="store_true", help="also time repomix with its cache warm"
    )
    parser.add_argument(
        "--fiedler-store",
        action="store_true",
        help="also time fiedler with its token counts stored by an earlier run",
    )
    args = parser.parse_args()

    tree = args.tree.resolve()
    if args.prepare:
        prepare_tree(tree)
    with tempfile.TemporaryDirectory(prefix="fiedler-cold-bench-") as folder:
        scratch = Path(folder)
        fiedler = fiedler_series("fiedler", tree, args.model, scratch, None)
        repomix = repomix_series("repomix", tree, args.repomix, scratch, cache=False)
        series = [fiedler, repomix]
        if args.baseline_src is not None:
            src = args.baseline_src.resolve()
            series.append(fiedler_series("fiedler (baseline)", tree, args.model, scratch, src))
        if args.fiedler_store:
            stored = fiedler_series(
                "fiedler (counts stored)", tree, args.model, scratch, None, True
            )
            stored.run_once()  # stores the counts; not recorded
            stored.walls.clear()
            stored.rss_mb.clear()
            stored.cpu.clear()
            series.append(stored)
        if args.repomix_cache:
            warm = repomix_series("repomix (cache warm)", tree, args.repomix, scratch, cache=True)
            warm.run_once()  # fills its cache; not recorded
            warm.walls.clear()
            warm.rss_mb.clear()
            warm.cpu.clear()
            series.append(warm)
        load_before = load_average()
        for round_index in range(args.repeat):
            order = series if round_index % 2 == 0 else [*series[1::-1], *series[2:]]
            for one in order:
                one.run_once()
        load_after = load_average()
        result = json.loads(fiedler.output.read_text())

    ratio = fiedler.median() / repomix.median()
    pairs = [f / r for f, r in zip(fiedler.walls, repomix.walls, strict=True)]
    figures = {
        "python": f"{platform.python_version()}, {os.cpu_count()} CPUs",
        "tree": f"{tree}: {len(result['files']):,} text files packaged, "
        f"{len(result['skipped']):,} paths skipped, {result['package']['bytes']:,} package bytes",
        "runs": f"{args.repeat} of each, alternating, a new process each",
        **{one.name: one.line() for one in series},
        "fiedler / repomix (medians)": f"{ratio:.2f} (goal <= {RATIO_GOAL})",
        "fiedler / repomix per pair": ", ".join(f"{p:.2f}" for p in pairs),
        "load average before, after": f"{load_before}; {load_after}",
    }
    width = max(map(len, figures))
    for key, value in figures.items():
        print(f"{key.ljust(width)}  {value}")
    ok = ratio <= RATIO_GOAL and max(fiedler.rss_mb) <= RSS_GOAL_MB
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
