"""Ratings of a run's answers (``ratings.json`` in its folder), the scoreboard they add up to,
and the sqlite index that serves it (never the source of truth: the run folders are)."""
