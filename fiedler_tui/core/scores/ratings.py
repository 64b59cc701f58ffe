"""A run's ratings: ``ratings.json`` in its folder, written atomically and owner-only (0600).

The user rates each answer 1 to 5 and may pick a winner (Review's blind mode). The file holds
``ratings_version``, ``rated_at`` (UTC, ISO 8601), ``blind`` (whether the names were hidden
while rating), ``ratings`` (alias -> 1..5) and ``winner`` (an alias, or null).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fiedler_tui.core.store.private_files import atomic_write_json

RATINGS_NAME = "ratings.json"
RATINGS_VERSION = 1
MIN_RATING = 1
MAX_RATING = 5


class RatingsError(ValueError):
    """A ``ratings.json`` that cannot be read; the message says why."""


@dataclass(frozen=True)
class Ratings:
    """The ratings of one run's answers and its winner."""

    ratings: Mapping[str, int] = field(default_factory=dict)
    winner: str | None = None
    blind: bool = True
    rated_at: str | None = None

    @property
    def empty(self) -> bool:
        return not self.ratings and self.winner is None

    def rated(self, alias: str, value: int) -> Ratings:
        """These ratings with ``alias`` rated ``value`` (1 to 5)."""
        if not MIN_RATING <= value <= MAX_RATING:
            raise RatingsError(f"a rating is {MIN_RATING} to {MAX_RATING}, not {value}")
        return Ratings({**self.ratings, alias: value}, self.winner, self.blind, self.rated_at)

    def with_winner(self, alias: str | None) -> Ratings:
        return Ratings(dict(self.ratings), alias, self.blind, self.rated_at)

    def winners(self) -> frozenset[str]:
        """The run's winner: the one picked, else the only answer with the highest rating
        (a tie at the top makes no winner)."""
        if self.winner is not None:
            return frozenset({self.winner})
        if not self.ratings:
            return frozenset()
        top = max(self.ratings.values())
        best = [alias for alias, value in self.ratings.items() if value == top]
        return frozenset(best) if len(best) == 1 else frozenset()

    def as_json(self) -> dict[str, Any]:
        return {
            "ratings_version": RATINGS_VERSION,
            "rated_at": self.rated_at,
            "blind": self.blind,
            "ratings": dict(self.ratings),
            "winner": self.winner,
        }

    @classmethod
    def from_json(cls, raw: object) -> Ratings:
        """Read the file's mapping; :class:`RatingsError` says what is wrong with it."""
        if not isinstance(raw, Mapping):
            raise RatingsError("ratings.json: not a JSON object")
        version = raw.get("ratings_version", RATINGS_VERSION)
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise RatingsError(f"ratings.json: ratings_version is {version!r}")
        if version > RATINGS_VERSION:
            raise RatingsError(f"ratings.json: version {version} was written by a newer fiedler")
        values = raw.get("ratings", {})
        if not isinstance(values, Mapping):
            raise RatingsError("ratings.json: ratings: expected an object")
        ratings: dict[str, int] = {}
        for alias, value in values.items():
            if (
                not isinstance(value, int)
                or isinstance(value, bool)
                or not MIN_RATING <= value <= MAX_RATING
            ):
                raise RatingsError(
                    f"ratings.json: ratings.{alias}: expected 1 to 5, found {value!r}"
                )
            ratings[str(alias)] = value
        winner = raw.get("winner")
        if winner is not None and not isinstance(winner, str):
            raise RatingsError("ratings.json: winner: expected a model's alias or null")
        rated_at = raw.get("rated_at")
        blind = raw.get("blind", True)
        return cls(
            ratings,
            winner,
            blind if isinstance(blind, bool) else True,
            rated_at if isinstance(rated_at, str) else None,
        )


def load_ratings(folder: Path) -> Ratings | None:
    """The run's ratings, None when it has none; :class:`RatingsError` when the file is bad."""
    path = folder / RATINGS_NAME
    if path.is_symlink():
        raise RatingsError("ratings.json: a symbolic link, not read")
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise RatingsError(f"ratings.json: {exc}") from None
    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise RatingsError(f"ratings.json: not JSON ({exc})") from None
    return Ratings.from_json(raw)


def save_ratings(folder: Path, ratings: Ratings, now: datetime | None = None) -> Ratings:
    """Replace the run's ``ratings.json`` (atomically, 0600); returns what was written."""
    stamped = Ratings(
        dict(ratings.ratings),
        ratings.winner,
        ratings.blind,
        (now or datetime.now(UTC)).isoformat(timespec="seconds"),
    )
    atomic_write_json(folder / RATINGS_NAME, stamped.as_json())
    return stamped
