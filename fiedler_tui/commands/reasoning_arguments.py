"""``--reasoning-effort`` and ``--thinking-budget``, shared by dry-run, send and crosstalk.

The grammar only: the values are checked against each model's models.yaml entry by the dry
run (a value no selected model takes, or one a model refuses, blocks the send).
"""

from __future__ import annotations

import argparse

EFFORTS = ("minimal", "low", "medium", "high")
"""``config.schema.REASONING_EFFORTS`` (not imported: the grammar loads no core module)."""


def non_negative_int(raw: str) -> int:
    """An argparse type: a whole number, zero or more."""
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {raw!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number, 0 or more, got {raw!r}")
    return value


def add_reasoning_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--reasoning-effort",
        choices=EFFORTS,
        default=None,
        help="reasoning effort for the models that take one (OpenAI reasoning models); "
        "default: each model's reasoning_effort",
    )
    parser.add_argument(
        "--thinking-budget",
        type=non_negative_int,
        default=None,
        metavar="N",
        help="thinking tokens for the models that take a budget (Claude, Gemini), within the "
        "completion reserve; 0 turns thinking off where a model allows it; default: each "
        "model's thinking_budget",
    )
