"""Events as JSON lines (``--events``): each a JSON object with its type name."""

from __future__ import annotations

import dataclasses
import json
from enum import Enum
from typing import Any


def _jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def event_fields(event: Any) -> dict[str, Any]:
    """A dataclass event's fields, after ``type``: its class name."""
    return {"type": type(event).__name__, **dataclasses.asdict(event)}


def json_line(data: dict[str, Any]) -> str:
    """``data`` as one line of JSON (enums by value, anything else unknown as text)."""
    return json.dumps(data, default=_jsonable, ensure_ascii=False)
