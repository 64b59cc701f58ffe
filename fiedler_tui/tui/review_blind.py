"""Review's blind mode: each answer under a shuffled letter, every model name hidden, ratings.

While blind, the screen names an answer only by its letter (``Answer B``): pane titles, the
summary table (status and rating only: usage, timings and costs would tell the models apart),
notifications and the palette; an answer's own text has the names of the run's models (alias,
model id and its distinctive words, provider) replaced by :data:`HIDDEN`. The letters are drawn
at random once per opening of the run in Review (the same for as long as it is shown) and the
answers are gone through in letter order.

Ratings (1 to 5) and the winner are kept in a :class:`~fiedler_tui.core.scores.ratings.Ratings`
and saved with the run by the screen.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from fiedler_tui.core.scores.ratings import MAX_RATING, Ratings

HIDDEN = "‹model›"
"""What a model's name in an answer's text reads while blind."""
_GENERIC_WORDS = frozenset(
    {
        "chat", "flash", "instruct", "latest", "lite", "max", "mini", "nano", "preview", "pro",
        "turbo", "large", "medium", "small", "base", "fast", "model", "models", "beta", "exp",
        "demo", "local", "the",
    }
)  # fmt: skip
"""Words of model ids too common to hide in a text on their own (the whole id still is)."""


def _field(record: object, name: str) -> str:
    value = record.get(name) if isinstance(record, Mapping) else getattr(record, name, None)
    return value if isinstance(value, str) else ""


def hidden_names(records: Iterable[object], aliases: Iterable[str]) -> list[str]:
    """The words that would name a model: each alias, model id and provider, and the
    distinctive words of the model ids (``claude`` of ``claude-sonnet-4-5``)."""
    names: set[str] = set()
    for record in records:
        model = _field(record, "model")
        names.update(n for n in (_field(record, "alias"), model, _field(record, "provider")) if n)
        for word in re.split(r"[^A-Za-z]+", model.rsplit("/", 1)[-1]):
            if len(word) >= 3 and word.lower() not in _GENERIC_WORDS:
                names.add(word)
    names.update(a for a in aliases if a)
    return sorted(names, key=lambda n: (-len(n), n))


def letter(index: int) -> str:
    """A, B, … Z, then AA, AB, …"""
    letters = string.ascii_uppercase
    return letters[index] if index < 26 else letters[index // 26 - 1] + letters[index % 26]


@dataclass
class BlindReview:
    """The blind state of one Review: letters, whether names are hidden, the ratings."""

    letters: dict[str, str]
    """alias -> its letter."""
    names: Sequence[str]
    ratings: Ratings = field(default_factory=Ratings)
    active: bool = False
    used: bool = False
    """Whether the names were hidden at some point of this viewing (letters were shown)."""
    _pattern: re.Pattern[str] | None = None

    @classmethod
    def shuffled(
        cls, aliases: Sequence[str], records: Iterable[object], rng: random.Random | None = None
    ) -> BlindReview:
        order = list(aliases)
        (rng or random.SystemRandom()).shuffle(order)
        letters = {alias: letter(i) for i, alias in enumerate(order)}
        return cls(letters, hidden_names(records, aliases))

    def order(self, aliases: Sequence[str]) -> list[str]:
        """``aliases`` in letter order (those without a letter last)."""
        return sorted(aliases, key=lambda a: (a not in self.letters, len(self.letters.get(a, "")),
                                              self.letters.get(a, ""), a))  # fmt: skip

    def label(self, alias: str) -> str:
        """How the screen names the answer now: ``Answer B`` while blind, else the alias."""
        if self.active:
            return f"Answer {self.letters.get(alias, '?')}"
        return alias

    def mask(self, text: str) -> str:
        """``text`` with the models' names replaced by :data:`HIDDEN` (while blind)."""
        if not self.active or not self.names:
            return text
        if self._pattern is None:
            words = "|".join(re.escape(n) for n in self.names)
            self._pattern = re.compile(rf"(?<![A-Za-z0-9])(?:{words})(?![A-Za-z0-9])", re.I)
        return self._pattern.sub(HIDDEN, text)

    def rating_text(self, alias: str) -> str:
        """``★★★★☆ 4/5`` and ``winner`` as they apply; empty when neither."""
        parts = []
        value = self.ratings.ratings.get(alias)
        if value is not None:
            parts.append("★" * value + "☆" * (MAX_RATING - value) + f" {value}/{MAX_RATING}")
        if self.ratings.winner == alias:
            parts.append("winner")
        return " · ".join(parts)

    def all_rated(self, aliases: Iterable[str]) -> bool:
        return all(alias in self.ratings.ratings for alias in aliases)

    def status_line(self, aliases: Sequence[str]) -> str:
        """The blind mode's line: keys and how many answers are rated."""
        rated = sum(1 for a in aliases if a in self.ratings.ratings)
        winner = self.ratings.winner
        pick = f"winner: Answer {self.letters.get(winner, '?')}" if winner else "no winner picked"
        return (
            f"blind: names hidden · rated {rated} of {len(aliases)} · {pick} · "
            "1-5 rate this answer, w winner, b reveal (or rate them all)"
        )
