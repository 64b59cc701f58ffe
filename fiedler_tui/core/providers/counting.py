"""Asking a provider how many input tokens a request holds (its count endpoint), over HTTP.

One attempt, no retries: a count that fails falls back to the estimate at once (the caller says
why). Failures are classified like any provider call (:mod:`~fiedler_tui.core.providers.classify`),
so a 401 reads as an authentication error with the provider's own words, keys redacted.
"""

from __future__ import annotations

import json
import time
from typing import Any

from fiedler_tui.core.config.schema import ProviderKind
from fiedler_tui.core.http import httpx
from fiedler_tui.core.providers.base import WireRequest
from fiedler_tui.core.providers.classify import classify_exception, classify_response
from fiedler_tui.core.providers.count_requests import (
    anthropic_count,
    gemini_count,
    llama_template,
    llama_tokenize,
    parse_count,
    parse_template,
    vllm_tokenize,
)
from fiedler_tui.core.providers.error_body import read_error_body
from fiedler_tui.core.providers.errors import ErrorCode, ProviderError
from fiedler_tui.core.providers.profile import ModelProfile
from fiedler_tui.core.request import ReviewRequest

MAX_COUNT_BODY_BYTES = 8 * 1024 * 1024
"""A count answer is a few bytes (llama.cpp's token list a few MB at most); more is refused."""


class _NotFound(Exception):
    """The endpoint does not exist on this server (404/405): try the other dialect."""


async def count_input_tokens(
    client: httpx.AsyncClient,
    profile: ModelProfile,
    request: ReviewRequest,
    key: str | None,
    timeout_s: float,
) -> int:
    """The provider's count of ``request``'s input for ``profile``; ProviderError when it fails.

    ``timeout_s`` bounds each HTTP exchange (connect, each read, and the pool wait).
    """
    kind = profile.provider.kind
    exchange = _Exchange(client, profile, key, timeout_s)
    if kind is ProviderKind.ANTHROPIC:
        return exchange.count(kind, await exchange.post(anthropic_count(profile, request, key)))
    if kind is ProviderKind.GEMINI:
        return exchange.count(kind, await exchange.post(gemini_count(profile, request, key)))
    if kind is ProviderKind.OPENAI_COMPATIBLE:
        template = llama_template(profile, request, key)
        try:
            templated = await exchange.post(template, not_found_ok=True)
        except _NotFound:  # not llama.cpp: vLLM's /tokenize takes the messages
            answer = await exchange.post(vllm_tokenize(profile, request, key))
            return exchange.count(kind, answer)
        prompt = parse_template(templated)
        if prompt is None:
            raise exchange.protocol("/apply-template did not answer {'prompt': ...}")
        return exchange.count(kind, await exchange.post(llama_tokenize(template, prompt)))
    raise ProviderError(
        ErrorCode.BAD_REQUEST,
        f"{kind} providers have no count endpoint",
        provider=profile.provider.name,
    )


class _Exchange:
    """One model's count exchanges: posting, reading and classifying."""

    def __init__(
        self, client: httpx.AsyncClient, profile: ModelProfile, key: str | None, timeout_s: float
    ) -> None:
        self.client = client
        self.provider = profile.provider.name
        self.secrets = (key,) if key else ()
        self.timeout_s = timeout_s

    def protocol(self, message: str) -> ProviderError:
        return ProviderError(ErrorCode.PROTOCOL, message, provider=self.provider)

    def count(self, kind: ProviderKind, data: Any) -> int:
        tokens = parse_count(kind, data)
        if tokens is None or tokens < 0:
            raise self.protocol("the count endpoint's answer holds no token count")
        return tokens

    async def post(self, wire: WireRequest, not_found_ok: bool = False) -> Any:
        timeout = httpx.Timeout(self.timeout_s)
        try:
            async with self.client.stream(
                wire.method, wire.url, headers=wire.headers, json=wire.json, timeout=timeout
            ) as response:
                status = response.status_code
                if not_found_ok and status in (404, 405):
                    await response.aclose()
                    raise _NotFound
                if status >= 400:
                    read = await read_error_body(response)
                    raise classify_response(
                        provider=self.provider,
                        status=status,
                        headers={k.lower(): v for k, v in response.headers.items()},
                        body=read.body,
                        now=time.time(),
                        secrets=self.secrets,
                        truncated=read.truncated,
                    )
                content = await _read_bounded(response)
        except httpx.HTTPError as exc:
            raise classify_exception(
                exc,
                provider=self.provider,
                connect_timeout_s=self.timeout_s,
                read_timeout_s=self.timeout_s,
                secrets=self.secrets,
            ) from None
        if content is None:
            raise self.protocol(f"the count answer is larger than {MAX_COUNT_BODY_BYTES:,} bytes")
        try:
            return json.loads(content)
        except ValueError:
            raise self.protocol("the count endpoint did not answer JSON") from None


async def _read_bounded(response: httpx.Response) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > MAX_COUNT_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
