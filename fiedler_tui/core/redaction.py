"""Masking secrets in text that leaves the process: log records and provider error messages.

Known key values (the ones in use) are replaced first, longest first; then passwords in URLs and
anything shaped like a well-known secret, so a key that was never registered is still masked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

SECRET_SHAPES = re.compile(
    r"(?:"
    r"sk-ant-[A-Za-z0-9_\-]{8,}"
    r"|sk-[A-Za-z0-9_\-]{8,}"
    r"|xai-[A-Za-z0-9]{8,}"
    r"|gsk_[A-Za-z0-9]{20,}"
    r"|pplx-[A-Za-z0-9]{20,}"
    r"|hf_[A-Za-z0-9]{20,}"
    r"|tgp_v1_[A-Za-z0-9_\-]{20,}"
    r"|r8_[A-Za-z0-9]{20,}"
    r"|AIza[0-9A-Za-z_\-]{20,}"
    r"|gh[pousr]_[A-Za-z0-9]{20,}"
    r"|github_pat_[A-Za-z0-9_]{20,}"
    r"|gl(?:pat|dt|rt|ptt|cbt|ft|imt|oas)-[A-Za-z0-9_\-]{20,}"
    r"|xox[abprs]-[A-Za-z0-9\-]{10,}"
    r"|[sr]k_(?:live|test)_[A-Za-z0-9]{20,}"
    r"|npm_[A-Za-z0-9]{36}"
    r"|pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{20,}"
    r"|eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{16,}"
    r"|(?:AKIA|ASIA)[0-9A-Z]{16}"
    r"|(?i:bearer)\s+[A-Za-z0-9._~+/\-]{12,}=*"
    r"|(?i:(?:x-api-key|x-goog-api-key|api[_-]?key|authorization)[\"']?\s*[:=]\s*[\"']?)"
    r"[^\s\"',}]{8,}"
    r")"
)
URL_PASSWORD = re.compile(r"(?P<head>://[^\s:/?#@\"'<>]*:)(?P<password>[^\s/?#@\"'<>]+)(?=@)")
"""The password of ``scheme://user:password@host`` (a proxy or database URL in a message)."""
MIN_SECRET_CHARS = 4
"""Shorter values are not masked by value: they would mask ordinary words."""


def mask_secrets(text: str, secrets: Iterable[str | None], mask: str) -> str:
    """``text`` with every given secret and every secret-shaped string replaced by ``mask``."""
    known = sorted({s for s in secrets if s and len(s) >= MIN_SECRET_CHARS}, key=len, reverse=True)
    for secret in known:
        text = text.replace(secret, mask)
    if "://" in text:
        text = URL_PASSWORD.sub(lambda m: _masked_password(m, mask), text)
    return SECRET_SHAPES.sub(mask, text)


def _masked_password(match: re.Match[str], mask: str) -> str:
    password = match.group("password")
    if len(set(password)) == 1 or password == mask:  # already masked (``***``)
        return match.group(0)
    return match.group("head") + mask
