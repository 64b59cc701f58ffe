"""``fiedler scores`` in a real subprocess, over runs saved with known ratings."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.support.simulated_project import fiedler_process

from .rated_runs import SCORES_ALL, SCORES_MID, four_rated_runs


def fiedler(*args: str, runs: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FIEDLER_OUTPUT_DIR": str(runs)}
    return fiedler_process(args, env)


def rows(payload: dict[str, object]) -> list[tuple[object, ...]]:
    models = payload["models"]
    assert isinstance(models, list)
    return [
        (
            m["model"],
            m["runs_rated"],
            m["wins"],
            m["ratings"],
            m["mean_rating"] if m["mean_rating"] is None else round(m["mean_rating"], 4),
            round(m["cost_usd"], 6),
            m["cost_per_win_usd"],
        )
        for m in models
    ]


def test_scores_json_and_table_over_a_period(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    four_rated_runs(runs)
    done = fiedler("scores", "--json", runs=runs)
    assert done.returncode == 0, done.stderr
    assert rows(json.loads(done.stdout)) == SCORES_ALL
    mid = fiedler("scores", "--since", "2026-11-10", "--until", "2026-12-01", "--json", runs=runs)
    assert mid.returncode == 0, mid.stderr
    payload = json.loads(mid.stdout)
    assert payload["since"] == "2026-11-10" and payload["until"] == "2026-12-01"
    assert rows(payload) == SCORES_MID
    table = fiedler("scores", runs=runs)
    assert table.returncode == 0 and table.stderr == ""
    lines = table.stdout.splitlines()
    assert lines[0] == "scores over all runs"
    assert lines[1].split() == [
        "model", "runs", "rated", "wins", "mean", "rating", "(n)", "cost", "cost", "per", "win",
    ]  # fmt: skip
    assert lines[3].split() == ["alpha", "4", "2", "3.50", "(4)", "$0.8000", "$0.4000"]
    assert lines[5].split() == ["gamma", "1", "0", "–", "$0.0100", "–"]
    # the index the command kept is in the state dir, owner-only
    index = Path(os.environ["XDG_STATE_HOME"]) / "fiedler" / "runs-index.sqlite3"
    assert index.is_file() and index.stat().st_mode & 0o077 == 0


def test_scores_refuses_bad_dates_and_says_when_nothing_is_rated(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    bad = fiedler("scores", "--since", "2026-13-01", runs=runs)
    assert bad.returncode == 2 and "expected a date as YYYY-MM-DD" in bad.stderr
    assert "Traceback" not in bad.stderr
    backwards = fiedler("scores", "--since", "2026-12-02", "--until", "2026-12-01", runs=runs)
    assert backwards.returncode == 2 and "is after --until" in backwards.stderr
    empty = fiedler("scores", "--until", "2026-12-01", runs=runs)
    assert empty.returncode == 0
    assert empty.stdout.startswith("no rated runs (runs until 2026-12-01)")


def test_scores_names_a_run_whose_ratings_cannot_be_read(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    first, *_ = four_rated_runs(runs)
    (first / "ratings.json").write_text("{broken")
    done = fiedler("scores", "--json", runs=runs)
    assert done.returncode == 0
    assert done.stderr.startswith(f"run {first.name} left out: ratings.json: not JSON")
    alpha = json.loads(done.stdout)["models"][0]
    assert (alpha["model"], alpha["runs_rated"]) in {("alpha", 3), ("beta", 3)}
