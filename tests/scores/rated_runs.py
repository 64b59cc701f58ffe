"""Saved runs with known costs and ratings, written through the real store."""

from __future__ import annotations

from pathlib import Path

from fiedler_tui.core.scores.ratings import Ratings, save_ratings
from fiedler_tui.core.store.run_store import RunStore


def write_run(
    root: Path,
    day: str,
    costs: dict[str, float],
    ratings: dict[str, int] | None = None,
    winner: str | None = None,
) -> Path:
    """A finished run started on ``day`` (its models costing ``costs``), rated when given."""
    run = RunStore(root).start_run({})
    models = []
    for alias, cost in costs.items():
        out = run.output(alias)
        out.append(f"the answer of {alias}")
        out.close()
        models.append(
            {"alias": alias, "status": "done", "output_file": f"{alias}.md", "cost_usd": cost}
        )
    run.write_summary(
        {"status": "done", "started_at": f"{day}T10:00:00+00:00", "models": models}, last=True
    )
    assert run.path is not None
    if ratings is not None or winner is not None:
        save_ratings(run.path, Ratings(ratings or {}, winner))
    return run.path


def four_rated_runs(root: Path) -> list[Path]:
    """Known figures (``scores_all`` below, and ``scores_mid`` from 2026-11-10 to 2026-12-01).

    Run 1: alpha 5, beta 3 (alpha wins: the only top rating). Run 2: alpha 4, beta 5, gamma not
    rated, alpha picked as winner (gamma's run counts: it lost). Run 3: alpha 3, beta 5 (beta
    wins). Run 4: alpha 2, beta 2 (a tie: no winner).
    """
    return [
        write_run(root, "2026-11-01", {"alpha": 0.10, "beta": 0.05}, {"alpha": 5, "beta": 3}),
        write_run(
            root,
            "2026-11-15",
            {"alpha": 0.20, "beta": 0.05, "gamma": 0.01},
            {"alpha": 4, "beta": 5},
            winner="alpha",
        ),
        write_run(root, "2026-12-01", {"alpha": 0.40, "beta": 0.05}, {"alpha": 3, "beta": 5}),
        write_run(root, "2026-12-05", {"alpha": 0.10, "beta": 0.05}, {"alpha": 2, "beta": 2}),
    ]


SCORES_ALL = [
    # model, runs rated, wins, ratings, mean, cost, cost per win
    ("alpha", 4, 2, 4, 3.5, 0.80, 0.40),
    ("beta", 4, 1, 4, 3.75, 0.20, 0.20),
    ("gamma", 1, 0, 0, None, 0.01, None),
]
SCORES_MID = [
    ("beta", 2, 1, 2, 5.0, 0.10, 0.10),
    ("alpha", 2, 1, 2, 3.5, 0.60, 0.60),
    ("gamma", 1, 0, 0, None, 0.01, None),
]
