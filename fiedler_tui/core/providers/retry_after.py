"""How long a server asks us to wait: ``retry-after-ms``, ``retry-after`` and Gemini's RetryInfo."""

from __future__ import annotations

import email.utils
import math
import re
from collections.abc import Mapping
from typing import Any

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)s\s*$")
RETRY_INFO_TYPE = "type.googleapis.com/google.rpc.RetryInfo"


def parse_retry_after(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds to wait from ``retry-after-ms``, then ``retry-after`` as seconds or an HTTP date.

    ``headers`` must have lower-case names; ``now`` is the current Unix time (for dates).
    Returns None when no header gives a usable, finite, non-negative value.
    """
    raw_ms = headers.get("retry-after-ms")
    if raw_ms is not None:
        value = _finite(raw_ms)
        if value is not None:
            return value / 1000.0
    raw = headers.get("retry-after")
    if raw is None:
        return None
    value = _finite(raw)
    if value is not None:
        return value
    parsed = email.utils.parsedate_tz(raw)
    if parsed is None:
        return None
    return max(0.0, email.utils.mktime_tz(parsed) - now)


def parse_duration(text: str) -> float | None:
    """A protobuf Duration string such as ``"38s"`` or ``"57.238747106s"`` in seconds."""
    match = _DURATION.match(text)
    return float(match.group(1)) if match else None


def gemini_retry_delay(details: Any) -> float | None:
    """``RetryInfo.retryDelay`` from a google.rpc.Status ``details`` list, in seconds."""
    if not isinstance(details, list):
        return None
    for item in details:
        if isinstance(item, dict) and item.get("@type") == RETRY_INFO_TYPE:
            delay = item.get("retryDelay")
            if isinstance(delay, str):
                return parse_duration(delay)
    return None


def _finite(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value) or value < 0:
        return None
    return value
