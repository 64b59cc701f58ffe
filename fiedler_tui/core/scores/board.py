"""The scoreboard: per model, over a period, how many rated runs, wins, the mean rating and the
cost per win.

A model's *runs rated* are the runs where its answer got a rating or the run got a winner; a
*win* is a run whose winner it is (:meth:`Ratings.winners`); the *mean rating* averages its 1-5
ratings; *cost per win* is what its answers in those rated runs cost, divided by its wins (none
without a win).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from fiedler_tui.core.scores.ratings import Ratings


@dataclass(frozen=True)
class RatedAnswer:
    """One model's answer in a rated run, as the scoreboard counts it."""

    run_id: str
    day: str
    """``YYYY-MM-DD`` the run started (empty when not known)."""
    alias: str
    rating: int | None
    won: bool
    cost_usd: float | None


def rated_answers(
    run_id: str, day: str, models: Iterable[tuple[str, float | None]], ratings: Ratings
) -> list[RatedAnswer]:
    """The answers of one run that count: each one rated, and every model of the run when it
    has a winner (the others lost to it). ``models``: (alias, cost) of each model of the run."""
    winners = ratings.winners()
    costs = dict(models)
    for alias in (*ratings.ratings, *winners):
        costs.setdefault(alias, None)
    return [
        RatedAnswer(run_id, day, alias, ratings.ratings.get(alias), alias in winners, cost)
        for alias, cost in costs.items()
        if alias in ratings.ratings or winners
    ]


@dataclass(frozen=True)
class ModelScore:
    alias: str
    runs_rated: int
    wins: int
    ratings: int
    """How many of its answers got a 1-5 rating (the mean's count)."""
    mean_rating: float | None
    cost_usd: float
    """What its answers in the rated runs cost (those with a known cost)."""

    @property
    def cost_per_win(self) -> float | None:
        return self.cost_usd / self.wins if self.wins else None

    def as_json(self) -> dict[str, object]:
        return {
            "model": self.alias,
            "runs_rated": self.runs_rated,
            "wins": self.wins,
            "ratings": self.ratings,
            "mean_rating": None if self.mean_rating is None else round(self.mean_rating, 3),
            "cost_usd": round(self.cost_usd, 6),
            "cost_per_win_usd": None if self.cost_per_win is None else round(self.cost_per_win, 6),
        }


@dataclass(frozen=True)
class Period:
    """Start dates from ``since`` to ``until``, both inclusive; None leaves that end open."""

    since: date | None = None
    until: date | None = None

    def holds(self, day: str) -> bool:
        if self.since is None and self.until is None:
            return True
        if not day:
            return False
        if self.since is not None and day < self.since.isoformat():
            return False
        return self.until is None or day <= self.until.isoformat()

    def describe(self) -> str:
        if self.since is None and self.until is None:
            return "all runs"
        if self.until is None:
            return f"runs since {self.since}"
        if self.since is None:
            return f"runs until {self.until}"
        return f"runs from {self.since} to {self.until}"


def scoreboard(answers: Iterable[RatedAnswer], period: Period = Period()) -> list[ModelScore]:
    """Per model, best first: most wins, then the highest mean rating, then the name."""
    runs: dict[str, set[str]] = {}
    wins: dict[str, int] = {}
    rating_sum: dict[str, int] = {}
    rating_count: dict[str, int] = {}
    cost: dict[str, float] = {}
    for answer in answers:
        if not period.holds(answer.day):
            continue
        alias = answer.alias
        runs.setdefault(alias, set()).add(answer.run_id)
        wins[alias] = wins.get(alias, 0) + (1 if answer.won else 0)
        if answer.rating is not None:
            rating_sum[alias] = rating_sum.get(alias, 0) + answer.rating
            rating_count[alias] = rating_count.get(alias, 0) + 1
        cost[alias] = cost.get(alias, 0.0) + (answer.cost_usd or 0.0)
    scores = [
        ModelScore(
            alias,
            len(run_ids),
            wins.get(alias, 0),
            rating_count.get(alias, 0),
            rating_sum[alias] / rating_count[alias] if rating_count.get(alias) else None,
            cost.get(alias, 0.0),
        )
        for alias, run_ids in runs.items()
    ]
    scores.sort(key=lambda s: (-s.wins, -(s.mean_rating or 0.0), s.alias))
    return scores
