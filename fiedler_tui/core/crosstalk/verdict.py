"""Reading the structured verdict at the end of a debate answer, tolerantly.

Models format the line in many ways (``VERDICT: agree CONFIDENCE: 80``, ``**Verdict:** Disagree
(confidence 65%)``, ``Verdict - agree, 90/100``). The last verdict word in the answer's tail
wins; a confidence outside 0-100 is clamped; an answer without a verdict has none (it does not
count as agreement).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Stance = Literal["agree", "disagree"]
_TAIL_CHARS = 600
_VERDICT = re.compile(r"verdict\W{0,12}(dis-?agree(?:s|d|ment)?|agree(?:s|d|ment)?)", re.IGNORECASE)
_CONFIDENCE = re.compile(r"confidence\W{0,12}(\d{1,3}(?:\.\d+)?)", re.IGNORECASE)


@dataclass(frozen=True)
class Verdict:
    stance: Stance
    confidence: int | None
    """0-100, or None when the answer gave none."""


def parse_verdict(text: str) -> Verdict | None:
    """The verdict of ``text`` (searched in its last 600 characters), or None."""
    tail = text[-_TAIL_CHARS:]
    stances = list(_VERDICT.finditer(tail))
    if not stances:
        return None
    last = stances[-1]
    word = last.group(1).lower()
    stance: Stance = "disagree" if word.startswith("dis") else "agree"
    confidences = list(_CONFIDENCE.finditer(tail, last.start()))
    confidence: int | None = None
    if confidences:
        confidence = max(0, min(100, round(float(confidences[0].group(1)))))
    return Verdict(stance, confidence)
