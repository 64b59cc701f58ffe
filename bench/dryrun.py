"""Benchmark of the dry run on the running interpreter's standard library.

Measures, in one process and on the same texts:

- plain: a single-threaded ``tiktoken`` encode of every selected file's text (the reference);
- cold: a dry run with a fresh engine (empty read and count caches; encodings already loaded,
  their one-time load is reported separately);
- warm: a re-preview after touching one file (its mtime moves; the original mtime is restored
  afterwards), which re-reads, re-scans and re-counts that file only.

Targets (from the issue): cold <= 1.2 x plain, warm <= 0.1 s.

Usage: ``python bench/dryrun.py [--repeat N] [--touch REL_PATH] [--markdown]``
"""

from __future__ import annotations

import argparse
import functools
import os
import platform
import statistics
import sys
import sysconfig
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from fiedler_tui.core.budget import DryRunEngine, DryRunOptions, DryRunResult
from fiedler_tui.core.config.loader import load_config
from fiedler_tui.core.files.ignore import Filters
from fiedler_tui.core.secrets.policy import SecretPolicy
from fiedler_tui.core.settings import Settings
from fiedler_tui.core.tokens import load_encoding

RAISED = 10**12


def bench_settings(root: Path) -> Settings:
    return Settings(
        allowed_roots=(root,),
        max_package_bytes=RAISED,
        max_file_bytes=RAISED,
        max_file_count=RAISED,
        max_lines=RAISED,
        no_disk=True,  # no token counts kept between processes: every cold run counts
    )


def plain_encode_seconds(result: DryRunResult, settings: Settings) -> float:
    """Single-threaded tiktoken encode of every selected file's text, per encoding used."""
    texts = [f.text for f in result.selection.files]
    started = time.perf_counter()
    for report in result.encodings:
        loaded = load_encoding(report.status.name, settings)
        assert loaded is not None, report.status.detail
        encode = loaded.encoding.encode
        for text in texts:
            encode(text, disallowed_special=())
    return time.perf_counter() - started


def parallel_encode_seconds(result: DryRunResult, settings: Settings) -> float:
    """The same encode spread over a thread pool of one thread per CPU: shows how much of the
    second core this run actually had (the machine may be shared)."""
    texts = [f.text for f in result.selection.files]
    started = time.perf_counter()
    with ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        for report in result.encodings:
            loaded = load_encoding(report.status.name, settings)
            assert loaded is not None, report.status.detail
            encode = functools.partial(loaded.encoding.encode, disallowed_special=())
            list(pool.map(encode, texts))
    return time.perf_counter() - started


def touch(path: Path, original_ns: int, step: int) -> None:
    os.utime(path, ns=(original_ns, original_ns + step * 1_000_000_000))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="cold/plain pairs and warm runs")
    parser.add_argument("--touch", default="os.py", help="stdlib file to touch for the warm run")
    parser.add_argument("--markdown", action="store_true", help="print a bench/README.md table")
    args = parser.parse_args()

    root = Path(sysconfig.get_paths()["stdlib"]).resolve()
    settings = bench_settings(root)
    config = load_config(None)
    models = config.default_models()
    options = DryRunOptions(
        prompt="Review these files.",
        secret_policy=SecretPolicy.ALLOW,  # still scanned; the bench must not stop on findings
        filters=Filters(exclude=("site-packages/",)),  # third-party packages are not stdlib
        cwd=str(root),
    )

    started = time.perf_counter()
    for name in sorted({m.tokenizer or m.estimate_encoding for m in models}):
        assert load_encoding(name, settings) is not None
    load_s = time.perf_counter() - started

    cold: list[float] = []
    plain: list[float] = []
    parallel: list[float] = []
    result: DryRunResult | None = None
    for _ in range(args.repeat):
        with DryRunEngine(settings) as engine:
            started = time.perf_counter()
            result = engine.run([root], models, options)
            cold.append(time.perf_counter() - started)
        plain.append(plain_encode_seconds(result, settings))
        parallel.append(parallel_encode_seconds(result, settings))
    assert result is not None

    target = root / args.touch
    original = target.stat()
    warm: list[float] = []
    unchanged: list[float] = []
    with DryRunEngine(settings) as engine:
        engine.run([root], models, options)
        try:
            for step in range(1, args.repeat + 2):
                touch(target, original.st_atime_ns, step)
                misses = engine.counter.misses
                started = time.perf_counter()
                warm_result = engine.run([root], models, options)
                warm.append(time.perf_counter() - started)
                assert engine.counter.misses - misses == 1, "exactly one file recounted"
                started = time.perf_counter()
                engine.run([root], models, options)
                unchanged.append(time.perf_counter() - started)
        finally:
            os.utime(target, ns=(original.st_atime_ns, original.st_mtime_ns))
        started = time.perf_counter()
        _ = warm_result.preview.text, warm_result.preview.sha256
        materialize_s = time.perf_counter() - started

    cold_s = statistics.median(cold)
    plain_s = statistics.median(plain)
    ratio = statistics.median(c / p for c, p in zip(cold, plain, strict=True))
    warm_s = statistics.median(warm)
    figures = {
        "python": f"{platform.python_version()} ({sys.executable})",
        "cpus": str(os.cpu_count()),
        "stdlib": str(root),
        "files": f"{len(result.files):,} selected, {len(result.skipped):,} skipped",
        "text": f"{sum(len(f.text) for f in result.selection.files):,} characters, "
        f"{result.preview.bytes:,} package bytes",
        "models": ", ".join(f"{m.alias} ({m.count_method}, {m.encoding})" for m in result.models),
        "tokens (o200k_base)": f"{sum(f.tokens.get('o200k_base', 0) for f in result.files):,}",
        "encoding load (once per process)": f"{load_s:.2f} s",
        "plain single-threaded encode": f"{plain_s:.2f} s",
        "same encode on a thread pool (core availability check)": (
            f"{statistics.median(parallel):.2f} s"
        ),
        "cold dry run": f"{cold_s:.2f} s",
        "cold / plain": f"{ratio:.2f} (target <= 1.2)",
        f"warm re-preview after touching {args.touch}": f"{warm_s * 1000:.0f} ms "
        "(target <= 100 ms)",
        "re-preview, nothing changed": f"{statistics.median(unchanged) * 1000:.0f} ms",
        "package text + sha256, built on first use": f"{materialize_s * 1000:.0f} ms",
        "runs": f"median of {args.repeat} cold/plain pairs, {len(warm)} warm runs",
        "cold / plain per pair": ", ".join(
            f"{c / p:.2f}" for c, p in zip(cold, plain, strict=True)
        ),
        "load average at the end": ", ".join(f"{x:.2f}" for x in os.getloadavg()),
    }
    if args.markdown:
        print("| measure | value |")
        print("|---|---|")
        for key, value in figures.items():
            print(f"| {key} | {value} |")
    else:
        width = max(map(len, figures))
        for key, value in figures.items():
            print(f"{key.ljust(width)}  {value}")
    ok = ratio <= 1.2 and warm_s <= 0.1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
