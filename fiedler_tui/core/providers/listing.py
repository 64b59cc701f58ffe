"""What an OpenAI-style server has installed (``GET {base}/models``), for Ollama, llama.cpp & co.

An unreachable or misbehaving server is reported in the result, never raised: a user whose local
server is off still gets the rest of the app.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from fiedler_tui.core.config.schema import ProviderKind, ProviderSpec
from fiedler_tui.core.http import httpx
from fiedler_tui.core.providers.base import join_url
from fiedler_tui.core.providers.classify import classify_exception, classify_response
from fiedler_tui.core.providers.error_body import read_error_body
from fiedler_tui.core.providers.errors import ErrorCode, ErrorInfo, ProviderError

LISTABLE_KINDS = frozenset({ProviderKind.OPENAI, ProviderKind.OPENAI_COMPATIBLE})


@dataclass(frozen=True, kw_only=True)
class ModelListing:
    """The ids a provider reported, or why it could not be asked."""

    provider: str
    model_ids: tuple[str, ...] = ()
    error: ErrorInfo | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


async def list_models(
    client: httpx.AsyncClient, provider: ProviderSpec, key: str | None
) -> ModelListing:
    """``GET {base_url}/models`` on an openai-style provider; errors come back in the listing."""
    if provider.kind not in LISTABLE_KINDS:
        raise ValueError(f"provider {provider.name!r} ({provider.kind}) has no openai listing")
    headers = {"accept": "application/json", **provider.headers}
    if key:
        headers["authorization"] = f"Bearer {key}"
    timeout = httpx.Timeout(
        provider.read_timeout_s, connect=provider.connect_timeout_s, pool=provider.connect_timeout_s
    )
    secrets = (key,) if key else ()
    url = join_url(provider.base_url, "/models")
    try:
        async with client.stream("GET", url, headers=headers, timeout=timeout) as response:
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
                return ModelListing(provider=provider.name, error=error.info)
            content = await response.aread()
    except httpx.HTTPError as exc:
        error = classify_exception(
            exc,
            provider=provider.name,
            connect_timeout_s=provider.connect_timeout_s,
            read_timeout_s=provider.read_timeout_s,
        )
        return ModelListing(provider=provider.name, error=error.info)
    try:
        data = json.loads(content)
        ids = tuple(
            str(item["id"]) for item in data["data"] if isinstance(item, dict) and "id" in item
        )
    except (ValueError, KeyError, TypeError):
        error = ProviderError(
            ErrorCode.PROTOCOL,
            "the model list is not the expected {'data': [{'id': ...}]} JSON",
            provider=provider.name,
            http_status=response.status_code,
        )
        return ModelListing(provider=provider.name, error=error.info)
    return ModelListing(provider=provider.name, model_ids=ids)
