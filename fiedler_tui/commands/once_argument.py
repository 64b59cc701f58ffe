"""An option that may be given once: a second ``-p`` is bad input naming both values, instead
of the last one silently winning."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

SHOWN_CHARS = 40


def _shown(value: Any) -> str:
    text = str(value)
    if len(text) > SHOWN_CHARS:
        text = text[: SHOWN_CHARS - 1] + "…"
    return repr(text)


class GivenOnce(argparse.Action):
    """Stores the option's value (as ``store`` does); given again, the parser's error (exit 2)
    names the option and both values."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        earlier = getattr(namespace, self.dest, None)
        if earlier is not None:
            names = "/".join(self.option_strings)
            parser.error(
                f"{names} given twice ({_shown(earlier)} and {_shown(values)}): give it once"
            )
        setattr(namespace, self.dest, values)
