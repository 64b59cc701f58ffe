"""Masking: each matched value is replaced by a marker naming its kind; the rest is kept."""

from __future__ import annotations

from collections.abc import Sequence

from fiedler_tui.core.secrets.scan import SecretFinding


def marker(kind: str) -> str:
    """The text that replaces a masked value, e.g. ``[MASKED:openai-api-key]``."""
    return f"[MASKED:{kind}]"


def mask_text(text: str, findings: Sequence[SecretFinding]) -> str:
    """``text`` with every finding's value replaced by its marker."""
    if not findings:
        return text
    parts: list[str] = []
    position = 0
    for finding in sorted(findings, key=lambda f: f.start):
        parts.append(text[position : finding.start])
        parts.append(marker(finding.kind))
        position = finding.end
    parts.append(text[position:])
    return "".join(parts)
