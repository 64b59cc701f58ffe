"""Errors of setting up a deliberation (bad input: exit code 2 in the CLI)."""

from __future__ import annotations


class CrosstalkInputError(ValueError):
    """Members, chair, rounds or a persona the deliberation cannot run with; says which."""
