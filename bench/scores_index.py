"""Benchmark of the scoreboard's load time with and without the sqlite runs index.

Builds ``--runs`` synthetic run folders (each a ``summary.json`` of ``--models`` models with
costs; a fraction ``--rated`` also holds a ``ratings.json``), then times, best of ``--repeat``
(wall clock, files in the page cache):

- **history list**: ``RunStore.list_runs()``, what History's worker reads (every summary parsed);
- **scores, no index**: every run folder scanned, each rated run's ratings and summary read;
- **scores, index cold**: the database deleted first: rebuilt from the run folders, then read;
- **scores, index warm**: the database up to date: one stat per run folder, then one query;
- **one rating saved**: a run's ratings replaced and indexed again, then the warm read.

Usage: ``python bench/scores_index.py [--runs N] [--models M] [--rated F] [--repeat R]``
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fiedler_tui.core.scores.board import scoreboard
from fiedler_tui.core.scores.index import RunIndex, index_run_quietly, load_scores
from fiedler_tui.core.scores.ratings import Ratings, save_ratings
from fiedler_tui.core.scores.runs_read import scan_answers
from fiedler_tui.core.store.run_store import RunStore

ALIASES = ("gpt-5", "sonnet", "opus", "gemini-pro", "flash", "grok", "local", "deepseek")


def build(root: Path, runs: int, models: int, rated: float, rng: random.Random) -> list[Path]:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    folders = []
    for index in range(runs):
        when = start + timedelta(minutes=173 * index)
        folder = root / f"{when:%Y%m%d-%H%M%S}-{index:06x}"
        folder.mkdir(parents=True)
        aliases = rng.sample(ALIASES, models)
        records = [
            {
                "alias": alias,
                "provider": "openai",
                "model": alias,
                "status": "done",
                "usage_input": 12_000,
                "usage_output": 900,
                "cost_usd": round(rng.uniform(0.001, 0.2), 4),
                "output_file": f"{alias}.md",
            }
            for alias in aliases
        ]
        summary = {
            "summary_version": 1,
            "run_id": folder.name,
            "status": "done",
            "started_at": when.isoformat(),
            "ended_at": when.isoformat(),
            "prompt": {"sha256": "0" * 64, "chars": 120},
            "package": {"files": 3, "bytes": 9000, "lines": 300, "sha256": "1" * 64},
            "models": records,
            "cost_usd": sum(r["cost_usd"] for r in records),
        }
        (folder / "summary.json").write_text(json.dumps(summary, indent=2))
        if rng.random() < rated:
            ratings = {alias: rng.randint(1, 5) for alias in aliases}
            (folder / "ratings.json").write_text(json.dumps(Ratings(ratings).as_json()))
        folders.append(folder)
    return folders


def best(
    repeat: int, action: Callable[[], object], before: Callable[[], None] | None = None
) -> float:
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--models", type=int, default=3)
    parser.add_argument("--rated", type=float, default=0.5)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "runs"
        db = Path(scratch) / "state" / "runs-index.sqlite3"
        folders = build(root, args.runs, args.models, args.rated, random.Random(args.seed))
        rated = sum(1 for f in folders if (f / "ratings.json").exists())
        print(f"{args.runs} runs of {args.models} models, {rated} rated; best of {args.repeat}")

        def drop_index() -> None:
            for suffix in ("", "-journal"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)

        store = RunStore(root)
        rows = {
            "history list (RunStore.list_runs)": best(args.repeat, store.list_runs),
            "scores, no index (folders read)": best(
                args.repeat, lambda: scoreboard(scan_answers(root))
            ),
            "scores, index cold (rebuilt)": best(
                args.repeat, lambda: load_scores(root, None, db), drop_index
            ),
            "scores, index warm": best(args.repeat, lambda: load_scores(root, None, db)),
        }
        target = next(f for f in folders if (f / "ratings.json").exists())

        def rate_one() -> None:
            save_ratings(target, Ratings({"gpt-5": 5}, winner="gpt-5"))
            index_run_quietly(target, db)
            load_scores(root, None, db)

        rows["one rating saved, indexed, read"] = best(args.repeat, rate_one)
        with RunIndex(root, db) as index:
            answers = len(index.answers())
        size = db.stat().st_size
        for name, ms in rows.items():
            print(f"{name:<38} {ms:9.1f} ms")
        print(f"index: {answers} answers, {size / 1024:.0f} KB; {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
