"""The simulator's models endpoints, one page at a time as each provider pages them.

- OpenAI and compatibles: ``GET …/v1/models``, the whole list at once.
- Anthropic (a request with ``anthropic-version``): ``GET …/v1/models?limit=&after_id=``.
- Gemini: ``GET …/v1beta/models?pageSize=&pageToken=``.

A simulator given a models key answers a request without that key with the dialect's real
authentication error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fiedler_tui.core.simulator.http11 import HttpRequest
from fiedler_tui.core.simulator.script import Fault, FaultKind
from fiedler_tui.core.simulator.wire import Dialect, ErrorReply

ANTHROPIC_DEFAULT_PAGE = 20
GEMINI_DEFAULT_PAGE = 50
LARGEST_PAGE = 1000
ANTHROPIC_LIMITS = {"max_input_tokens": 200_000, "max_tokens": 64_000}
GEMINI_LIMITS = {"inputTokenLimit": 1_048_576, "outputTokenLimit": 65_536}


@dataclass(frozen=True)
class ModelsEndpoint:
    """What the models endpoints list and how."""

    ids: Sequence[str]
    key: str | None = None
    """The key a listing request must carry (None: any or none)."""
    page_limit: int = LARGEST_PAGE
    """The largest page served, whatever the request asks for."""


def sent_key(request: HttpRequest, dialect: str) -> str | None:
    """The key a request carries in its dialect's header."""
    headers = request.headers
    if dialect == "anthropic":
        return headers.get("x-api-key")
    if dialect == "gemini":
        return headers.get("x-goog-api-key") or _first(request, "key")
    auth = headers.get("authorization", "")
    return auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None


def refusal(endpoint: ModelsEndpoint, request: HttpRequest, dialect: Dialect) -> ErrorReply | None:
    """The dialect's authentication error when the request lacks the endpoint's key."""
    if endpoint.key is None or sent_key(request, dialect.name) == endpoint.key:
        return None
    return dialect.error(Fault.of(FaultKind.UNAUTHORIZED), "")


def _first(request: HttpRequest, name: str) -> str | None:
    values = request.query.get(name)
    return values[0] if values else None


def _size(request: HttpRequest, name: str, default: int, endpoint: ModelsEndpoint) -> int:
    try:
        asked = int(_first(request, name) or default)
    except ValueError:
        asked = default
    return max(1, min(asked, LARGEST_PAGE, endpoint.page_limit))


def openai_list(endpoint: ModelsEndpoint) -> dict[str, Any]:
    data = [
        {"id": name, "object": "model", "created": 1715367049, "owned_by": "simulator"}
        for name in endpoint.ids
    ]
    return {"object": "list", "data": data}


def anthropic_page(endpoint: ModelsEndpoint, request: HttpRequest) -> dict[str, Any]:
    ids = list(endpoint.ids)
    after = _first(request, "after_id")
    start = ids.index(after) + 1 if after in ids else 0
    page = ids[start : start + _size(request, "limit", ANTHROPIC_DEFAULT_PAGE, endpoint)]
    data = [
        {
            "type": "model",
            "id": name,
            "display_name": name.replace("-", " ").title(),
            "created_at": "2026-01-01T00:00:00Z",
            **ANTHROPIC_LIMITS,
        }
        for name in page
    ]
    return {
        "data": data,
        "has_more": start + len(page) < len(ids),
        "first_id": page[0] if page else None,
        "last_id": page[-1] if page else None,
    }


def gemini_page(endpoint: ModelsEndpoint, request: HttpRequest) -> dict[str, Any]:
    ids = list(endpoint.ids)
    token = _first(request, "pageToken") or ""
    start = int(token.removeprefix("page-")) if token.startswith("page-") else 0
    page = ids[start : start + _size(request, "pageSize", GEMINI_DEFAULT_PAGE, endpoint)]
    models = [
        {
            "name": f"models/{name}",
            "displayName": name.replace("-", " ").title(),
            "supportedGenerationMethods": ["generateContent", "countTokens"],
            **GEMINI_LIMITS,
        }
        for name in page
    ]
    answer: dict[str, Any] = {"models": models}
    if start + len(page) < len(ids):
        answer["nextPageToken"] = f"page-{start + len(page)}"
    return answer
