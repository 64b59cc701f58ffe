"""Two answers compared word by word (difflib), as one text: what both say plain, what only the
first says as ``[-struck through-]``, what only the second says as ``{+underlined+}``, each in its
colour (the marks keep it readable without colours, as ``git diff --word-diff`` does).

Words, runs of spaces and punctuation marks are the units compared; answers longer than
:data:`MAX_WORDS` units are compared line by line instead (word by word they would take
seconds), and the header says so.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from rich.text import Text

from fiedler_tui.tui.safe_text import strip_controls

MAX_WORDS = 40_000
_UNITS = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass(frozen=True)
class AnswerDiff:
    """The compared answers: ``parts`` of (``=``, ``-`` or ``+``, text), and figures."""

    parts: tuple[tuple[str, str], ...]
    similarity: float
    removed_words: int
    added_words: int
    by_lines: bool

    def render(self, removed_style: str, added_style: str) -> Text:
        """One text: ``-`` parts as ``[-…-]`` struck in ``removed_style``, ``+`` parts as
        ``{+…+}`` underlined in ``added_style`` (untrusted text: no markup is read)."""
        text = Text()
        for op, part in self.parts:
            if op == "=":
                text.append(part)
            elif op == "-":
                text.append(f"[-{part}-]", style=f"strike {removed_style}".strip())
            else:
                text.append(f"{{+{part}+}}", style=f"underline {added_style}".strip())
        return text


def _words(units: list[str]) -> int:
    return sum(1 for unit in units if unit.strip())


def compare(left: str, right: str) -> AnswerDiff:
    """``left`` against ``right`` (blocking on long answers: call it from a thread)."""
    left, right = strip_controls(left), strip_controls(right)
    a, b = _UNITS.findall(left), _UNITS.findall(right)
    by_lines = max(len(a), len(b)) > MAX_WORDS
    if by_lines:
        a, b = left.splitlines(keepends=True), right.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    chunks: list[tuple[str, str]] = []
    """(left, right) text: equal when both are the same, else a change."""
    removed = added = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        left_part, right_part = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag != "equal":
            removed += _words(a[i1:i2])
            added += _words(b[j1:j2])
        chunks.append((left_part, right_part) if tag != "equal" else (left_part, left_part))
    return AnswerDiff(tuple(_parts(_joined(chunks))), matcher.ratio(), removed, added, by_lines)


def _joined(chunks: list[tuple[str, str]]) -> list[tuple[str, str, bool]]:
    """Changes separated only by spaces read as one change (``[-I am-]{+As GPT+}``, not
    ``[-I-]{+As+} [-am-]{+GPT+}``); (left, right, changed)."""
    out: list[tuple[str, str, bool]] = []
    for index, (left, right) in enumerate(chunks):
        changed = left != right
        after_change = bool(out) and out[-1][2]
        before_change = index + 1 < len(chunks) and chunks[index + 1][0] != chunks[index + 1][1]
        between = not changed and left.strip(" ") == "" and after_change and before_change
        if (changed and after_change) or between:
            out[-1] = (out[-1][0] + left, out[-1][1] + right, True)
        else:
            out.append((left, right, changed))
    return out


def _parts(chunks: list[tuple[str, str, bool]]) -> list[tuple[str, str]]:
    parts: list[tuple[str, str]] = []
    for left, right, changed in chunks:
        if not changed:
            parts.append(("=", left))
            continue
        if left:
            parts.append(("-", left))
        if right:
            parts.append(("+", right))
    return parts
