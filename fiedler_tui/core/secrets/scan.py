"""Finding likely secrets in a file's text, with line and column."""

from __future__ import annotations

from dataclasses import dataclass

from fiedler_tui.core.secrets.env_files import env_file_spans, is_env_file
from fiedler_tui.core.secrets.keyword_rule import keyword_spans
from fiedler_tui.core.secrets.rules import (
    ENV_FILE_RANK,
    KEYWORD_RANK,
    LOWERED_NEEDLES,
    LOWERED_RULES_BY_NEEDLE,
    NEEDLES,
    RULES_BY_NEEDLE,
    WHOLE_TEXT_BY_NEEDLE,
    RankedRule,
)

Span = tuple[int, int, int, str]
"""start, end, rank (lower wins a tie), kind."""


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


def _lower_same_length(text: str) -> str:
    """``text.lower()`` with offsets kept: "İ" is the one character whose lower case is two."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text.replace("\u0130", "i").lower()


def _token_span(text: str, at: int, ranked: tuple[RankedRule, ...]) -> Span | None:
    """The first of ``ranked`` that matches at needle position ``at``, as a span."""
    for rank, token_rule in ranked:
        head = at
        if token_rule.lead:  # the token's head (``123456789`` of ``123456789:AA…``) precedes
            limit = max(0, at - token_rule.lead)
            while head > limit and text[head - 1] in token_rule.lead_chars:
                head -= 1
        found = token_rule.pattern.match(text, head)
        if found is None:
            continue
        group = "value" if "value" in token_rule.pattern.groupindex else 0
        start, end = found.span(group)
        if end > start and token_rule.check(found.group(group)):
            return start, end, rank, token_rule.kind
    return None


def _whole_text_spans(text: str, ranked: RankedRule) -> list[Span]:
    rank, token_rule = ranked
    return [
        (m.start(), m.end(), rank, token_rule.kind)
        for m in token_rule.pattern.finditer(text)
        if token_rule.check(m.group())
    ]


def _spans(text: str, path: str) -> list[Span]:
    spans: list[Span] = []
    for at, needle in NEEDLES.hits(text):
        span = _token_span(text, at, RULES_BY_NEEDLE[needle])
        if span is not None:
            spans.append(span)
    lowered = _lower_same_length(text)
    keyword_hits: list[tuple[int, str]] = []
    searched_whole: set[str] = set()
    for at, needle in LOWERED_NEEDLES.hits(lowered):
        if needle in LOWERED_RULES_BY_NEEDLE:
            span = _token_span(text, at, LOWERED_RULES_BY_NEEDLE[needle])
            if span is not None:
                spans.append(span)
        elif needle in WHOLE_TEXT_BY_NEEDLE:
            if needle not in searched_whole:
                searched_whole.add(needle)
                spans.extend(_whole_text_spans(text, WHOLE_TEXT_BY_NEEDLE[needle]))
        else:
            keyword_hits.append((at, needle))
    for start, end, kind in keyword_spans(text, lowered, iter(keyword_hits), path):
        spans.append((start, end, KEYWORD_RANK, kind))
    if is_env_file(path):
        spans.extend((start, end, ENV_FILE_RANK, kind) for start, end, kind in env_file_spans(text))
    return spans


def _without_overlaps(spans: list[Span]) -> list[Span]:
    """Earliest first, then longest, then best ranked; a span overlapping a kept one is dropped."""
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (s[0], -s[1], s[2])):
        if kept and span[0] < kept[-1][1]:
            continue
        kept.append(span)
    return kept


def scan_text(text: str, path: str) -> tuple[SecretFinding, ...]:
    """Every likely secret in ``text`` (the content of package path ``path``), in file order."""
    findings: list[SecretFinding] = []
    line, line_start, counted_to = 1, 0, 0
    for start, end, _rank, kind in _without_overlaps(_spans(text, path)):
        newlines = text.count("\n", counted_to, start)  # from the previous finding on
        if newlines:
            line += newlines
            line_start = text.rfind("\n", counted_to, start) + 1
        counted_to = start
        findings.append(SecretFinding(path, line, start - line_start + 1, kind, start, end))
    return tuple(findings)
