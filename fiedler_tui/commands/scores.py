"""``fiedler scores``: per model, over a period, runs rated, wins, mean rating and cost per win.

The ratings are those saved by Review's blind mode (``ratings.json`` in each run folder); the
figures come through the runs index (:mod:`fiedler_tui.core.scores.index`), brought up to date
with the run folders first, so they are always the folders' own.
"""

from __future__ import annotations

import argparse
import json

from fiedler_tui.commands.context import CommandContext
from fiedler_tui.commands.table import render_table
from fiedler_tui.core.errors import UsageError
from fiedler_tui.core.scores.board import ModelScore, Period
from fiedler_tui.core.scores.index import load_scores

NOT_KNOWN = "–"


def _row(score: ModelScore) -> list[str]:
    mean = NOT_KNOWN if score.mean_rating is None else f"{score.mean_rating:.2f}"
    per_win = NOT_KNOWN if score.cost_per_win is None else f"${score.cost_per_win:.4f}"
    return [
        score.alias,
        str(score.runs_rated),
        str(score.wins),
        f"{mean} ({score.ratings})" if score.ratings else mean,
        f"${score.cost_usd:.4f}",
        per_win,
    ]


def run(args: argparse.Namespace, ctx: CommandContext) -> int:
    period = Period(args.since, args.until)
    if period.since is not None and period.until is not None and period.since > period.until:
        raise UsageError(f"--since {period.since} is after --until {period.until}")
    settings = ctx.settings
    scores: list[ModelScore] = []
    note = ""
    if settings.no_disk:
        ctx.err("FIEDLER_NO_DISK=1: runs are not saved, so none is rated")
    else:
        scores, note = load_scores(settings.output_dir, period)
    for line in note.splitlines():
        ctx.err(line)
    if args.json:
        payload = {
            "since": None if period.since is None else period.since.isoformat(),
            "until": None if period.until is None else period.until.isoformat(),
            "models": [s.as_json() for s in scores],
        }
        ctx.out(json.dumps(payload, indent=2))
        return 0
    if not scores:
        ctx.out(f"no rated runs ({period.describe()}): rate answers in Review's blind mode (b)")
        return 0
    ctx.out(f"scores over {period.describe()}")
    headers = ["model", "runs rated", "wins", "mean rating (n)", "cost", "cost per win"]
    ctx.out(render_table(headers, [_row(s) for s in scores], right_align={1, 2, 3, 4, 5}))
    return 0
