"""Answers as other models see them: labelled by letter, the members' model names replaced.

A model sometimes names itself ("As GPT-5, ..."); every name a member is known by in
models.yaml (entry name, aliases, wire id) is replaced in the text by its ``Reviewer`` label,
so no answer shown to another model says which model wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from fiedler_tui.core.crosstalk.prompts import ANSWER_BLOCK, MISSING_ANSWER


class Anonymiser:
    def __init__(self, names_by_letter: Mapping[str, Iterable[str]]) -> None:
        """``names_by_letter``: each member's letter and every name it is known by."""
        pairs = sorted(
            ((name, letter) for letter, names in names_by_letter.items() for name in names if name),
            key=lambda pair: -len(pair[0]),
        )
        self._labels = {name.lower(): f"Reviewer {letter}" for name, letter in pairs}
        alternatives = "|".join(re.escape(name) for name, _ in pairs)
        self._pattern = (
            re.compile(rf"(?<![\w.-])(?:{alternatives})(?![\w-])", re.IGNORECASE) if pairs else None
        )

    def scrub(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda m: self._labels[m.group(0).lower()], text)

    def blocks(self, answers: Sequence[tuple[str, str | None]]) -> str:
        """``(letter, text)`` pairs as labelled blocks; None text says the answer is missing."""
        parts = [
            MISSING_ANSWER.format(letter=letter)
            if text is None
            else ANSWER_BLOCK.format(letter=letter, text=self.scrub(text).strip())
            for letter, text in answers
        ]
        return "\n\n".join(parts)
