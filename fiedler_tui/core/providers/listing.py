"""What a provider's models endpoint offers, in each wire format, every page of it.

- OpenAI and openai-style servers (xAI, Together, Ollama, llama.cpp, vLLM): ``GET {base}/models``,
  ``{"data": [{"id": ...}]}`` (Together answers a bare list); no limits are given.
- Anthropic: ``GET {base}/v1/models?limit=&after_id=``, pages of ``{"data", "has_more",
  "last_id"}`` with ``max_input_tokens`` and ``max_tokens`` per model.
- Gemini: ``GET {base}/models?pageSize=&pageToken=``, pages of ``{"models", "nextPageToken"}``
  with ``inputTokenLimit`` and ``outputTokenLimit`` per model (names ``models/<id>``).

An unreachable or misbehaving server is reported in the result, never raised: a user whose local
server is off still gets the rest of the app.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fiedler_tui.core.config.schema import ProviderKind, ProviderSpec
from fiedler_tui.core.http import httpx
from fiedler_tui.core.providers.anthropic import ANTHROPIC_VERSION
from fiedler_tui.core.providers.base import int_or_none, join_url
from fiedler_tui.core.providers.classify import classify_exception, classify_response
from fiedler_tui.core.providers.error_body import read_error_body
from fiedler_tui.core.providers.errors import ErrorCode, ErrorInfo, ProviderError

PAGE_SIZE = 1000
"""Models asked for per page (Anthropic's and Gemini's servers cap it at their own maximum)."""
MAX_PAGES = 100
"""Pages followed at most: a server whose cursor never ends is a protocol error, not a hang."""
MAX_PAGE_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class ListedModel:
    """One model as the provider lists it (limits only where the format gives them)."""

    id: str
    display_name: str | None = None
    input_token_limit: int | None = None
    output_token_limit: int | None = None


@dataclass(frozen=True, kw_only=True)
class ModelListing:
    """The models a provider reported, or why it could not be asked."""

    provider: str
    models: tuple[ListedModel, ...] = ()
    pages: int = 0
    error: ErrorInfo | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def model_ids(self) -> tuple[str, ...]:
        return tuple(model.id for model in self.models)


@dataclass(frozen=True)
class _Page:
    models: list[ListedModel]
    cursor: str | None
    """Where the next page starts; None on the last page."""


class _Stop(Exception):
    """Ends the listing with ``info`` as its error."""

    def __init__(self, info: ErrorInfo) -> None:
        super().__init__(info.message)
        self.info = info


async def list_models(
    client: httpx.AsyncClient,
    provider: ProviderSpec,
    key: str | None,
    *,
    page_size: int = PAGE_SIZE,
) -> ModelListing:
    """Every model ``provider`` lists, following its pages; errors come back in the listing."""
    found: list[ListedModel] = []
    cursor: str | None = None
    pages = 0
    try:
        while True:
            if pages == MAX_PAGES:
                raise _Stop(_protocol(provider, f"the listing goes on past {MAX_PAGES} pages"))
            page = _parse(provider, await _get(client, provider, key, page_size, cursor))
            pages += 1
            found.extend(page.models)
            if page.cursor is None:
                break
            if page.cursor == cursor:
                raise _Stop(_protocol(provider, "the listing repeats its page cursor"))
            cursor = page.cursor
    except _Stop as stop:
        return ModelListing(provider=provider.name, error=stop.info)
    return ModelListing(provider=provider.name, models=tuple(found), pages=pages)


def _request(
    provider: ProviderSpec, key: str | None, page_size: int, cursor: str | None
) -> tuple[str, dict[str, str], dict[str, str | int]]:
    """URL, headers and query of one page's request, as the provider's format wants them."""
    headers = {"accept": "application/json", **provider.headers}
    params: dict[str, str | int] = {}
    if provider.kind is ProviderKind.ANTHROPIC:
        headers["anthropic-version"] = ANTHROPIC_VERSION
        if key:
            headers["x-api-key"] = key
        params["limit"] = page_size
        if cursor:
            params["after_id"] = cursor
        return join_url(provider.base_url, "/v1/models"), headers, params
    if provider.kind is ProviderKind.GEMINI:
        if key:
            headers["x-goog-api-key"] = key
        params["pageSize"] = page_size
        if cursor:
            params["pageToken"] = cursor
        return join_url(provider.base_url, "/models"), headers, params
    if key:
        headers["authorization"] = f"Bearer {key}"
    return join_url(provider.base_url, "/models"), headers, params


async def _get(
    client: httpx.AsyncClient,
    provider: ProviderSpec,
    key: str | None,
    page_size: int,
    cursor: str | None,
) -> Any:
    """One page's JSON; raises _Stop with the classified error."""
    url, headers, params = _request(provider, key, page_size, cursor)
    timeout = httpx.Timeout(
        provider.read_timeout_s, connect=provider.connect_timeout_s, pool=provider.connect_timeout_s
    )
    secrets = (key,) if key else ()
    try:
        async with client.stream(
            "GET", url, headers=headers, params=params, timeout=timeout
        ) as response:
            if response.status_code >= 400:
                read = await read_error_body(response)
                error = classify_response(
                    provider=provider.name,
                    status=response.status_code,
                    headers={k.lower(): v for k, v in response.headers.items()},
                    body=read.body,
                    now=time.time(),
                    secrets=secrets,
                    truncated=read.truncated,
                )
                raise _Stop(error.info)
            content = bytearray()
            async for chunk in response.aiter_bytes():
                content += chunk
                if len(content) > MAX_PAGE_BYTES:
                    raise _Stop(_protocol(provider, "a page of the model list is over 8 MB"))
    except httpx.HTTPError as exc:
        error = classify_exception(
            exc,
            provider=provider.name,
            connect_timeout_s=provider.connect_timeout_s,
            read_timeout_s=provider.read_timeout_s,
        )
        raise _Stop(error.info) from None
    try:
        return json.loads(content)
    except ValueError:
        raise _Stop(_protocol(provider, "the model list is not JSON")) from None


def _protocol(provider: ProviderSpec, message: str) -> ErrorInfo:
    return ProviderError(ErrorCode.PROTOCOL, message, provider=provider.name).info


_SHAPES = {
    ProviderKind.ANTHROPIC: "{'data': [{'id': ...}], 'has_more': ..., 'last_id': ...}",
    ProviderKind.GEMINI: "{'models': [{'name': 'models/...'}], 'nextPageToken': ...}",
}


def _parse(provider: ProviderSpec, data: Any) -> _Page:
    try:
        if provider.kind is ProviderKind.ANTHROPIC:
            return _anthropic_page(data)
        if provider.kind is ProviderKind.GEMINI:
            return _gemini_page(data)
        return _openai_page(data)
    except (KeyError, TypeError, AttributeError):
        shape = _SHAPES.get(provider.kind, "{'data': [{'id': ...}]}")
        message = f"the model list is not the expected {shape} JSON"
        raise _Stop(_protocol(provider, message)) from None


def _entries(items: Any) -> list[Mapping[str, Any]]:
    if not isinstance(items, list):
        raise TypeError("not a list")
    return [item for item in items if isinstance(item, dict)]


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _openai_page(data: Any) -> _Page:
    items = data if isinstance(data, list) else data["data"]
    models = [ListedModel(str(item["id"])) for item in _entries(items) if "id" in item]
    return _Page(models, None)


def _anthropic_page(data: Any) -> _Page:
    models = [
        ListedModel(
            str(item["id"]),
            display_name=_text(item.get("display_name")),
            input_token_limit=int_or_none(item.get("max_input_tokens")),
            output_token_limit=int_or_none(item.get("max_tokens")),
        )
        for item in _entries(data["data"])
        if "id" in item
    ]
    more = data.get("has_more") is True
    return _Page(models, _text(data.get("last_id")) if more else None)


def _gemini_page(data: Any) -> _Page:
    models = [
        ListedModel(
            str(item["name"]).removeprefix("models/"),
            display_name=_text(item.get("displayName")),
            input_token_limit=int_or_none(item.get("inputTokenLimit")),
            output_token_limit=int_or_none(item.get("outputTokenLimit")),
        )
        for item in _entries(data.get("models", []))
        if "name" in item
    ]
    return _Page(models, _text(data.get("nextPageToken")))
