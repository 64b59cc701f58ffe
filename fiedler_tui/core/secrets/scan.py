"""Finding likely secrets in a file's text, with line and column."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from fiedler_tui.core.secrets.rules import (
    ASSIGNED_VALUE,
    ENV_ASSIGNMENT,
    ENV_EXAMPLE_SUFFIXES,
    ENV_FILE_NAME,
    MIN_ENTROPY_BITS,
    SENSITIVE_NAME_ANY_CASE,
    SENSITIVE_WORDS,
    TOKEN_RULES,
)


@dataclass(frozen=True)
class SecretFinding:
    """A likely secret: where it is and what it looks like (the value itself is never kept)."""

    path: str
    line: int
    column: int
    kind: str
    start: int
    """Offset of the matched value in the file's text (for masking)."""
    end: int

    def to_json(self) -> dict[str, object]:
        return {"line": self.line, "column": self.column, "kind": self.kind}


def shannon_entropy(value: str) -> float:
    """Bits per character of ``value``."""
    if not value:
        return 0.0
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in Counter(value).values())


def is_env_file(path: str) -> bool:
    """``.env``, ``.env.local``, ``prod.env`` and the like (but not ``.env.example``)."""
    return bool(ENV_FILE_NAME.search(path)) and not path.endswith(ENV_EXAMPLE_SUFFIXES)


def _name_ends(text: str, lowered: str) -> Iterator[int]:
    """Where each sensitive name ends (in ``text`` offsets)."""
    if len(lowered) != len(text):  # lower() changed a length (e.g. "İ"): offsets differ
        for match in SENSITIVE_NAME_ANY_CASE.finditer(text):
            yield match.end()
        return
    find = lowered.find
    for word in SENSITIVE_WORDS:
        index = find(word)
        while index >= 0:
            yield index + len(word)
            index = find(word, index + 1)


def _spans(text: str, path: str) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    lowered = text.lower()
    for rule in TOKEN_RULES:
        if rule.trigger.search(lowered if rule.trigger_lowered else text) is None:
            continue
        for match in rule.pattern.finditer(text):
            start, end = match.span("value")
            if end > start:
                spans.append((start, end, rule.kind))
    for name_end in _name_ends(text, lowered):
        assigned = ASSIGNED_VALUE.match(text, name_end)
        if assigned is None:
            continue
        group = "quoted" if assigned.group("quoted") is not None else "bare"
        value = assigned.group(group)
        if shannon_entropy(value) >= MIN_ENTROPY_BITS and not value.isalpha():
            start, end = assigned.span(group)
            spans.append((start, end, "high-entropy-assignment"))
    if is_env_file(path):
        for match in ENV_ASSIGNMENT.finditer(text):
            start, end = match.span("value")
            value = text[start:end]
            if value[:1] in "\"'" and len(value) >= 2:
                start, end = start + 1, end - 1
            if end > start:
                spans.append((start, end, "env-file-value"))
    return spans


def _without_overlaps(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Earliest first; a span overlapping a kept one is dropped (the first rule wins)."""
    kept: list[tuple[int, int, str]] = []
    for span in sorted(spans, key=lambda s: (s[0], -s[1])):
        if kept and span[0] < kept[-1][1]:
            continue
        kept.append(span)
    return kept


def scan_text(text: str, path: str) -> tuple[SecretFinding, ...]:
    """Every likely secret in ``text`` (the content of package path ``path``), in file order."""
    findings: list[SecretFinding] = []
    for start, end, kind in _without_overlaps(_spans(text, path)):
        line = text.count("\n", 0, start) + 1
        column = start - (text.rfind("\n", 0, start) + 1) + 1
        findings.append(SecretFinding(path, line, column, kind, start, end))
    return tuple(findings)
