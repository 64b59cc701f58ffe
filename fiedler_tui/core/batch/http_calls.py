"""The HTTP calls of a batch engine: JSON in and out, errors classified as for a send.

Reads (status, results, lists) are retried on the errors a send retries; calls with effects
(upload, create, cancel) are not: after a failure the job's state still says what was about to
happen, and the next ``submit --resume``, ``status`` or ``fetch`` looks before acting again.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fiedler_tui.core.http import httpx
from fiedler_tui.core.providers.classify import classify_exception, classify_response
from fiedler_tui.core.providers.errors import ErrorCode, ProviderError

READ_ATTEMPTS = 3
READ_BACKOFF_S = 0.5
_DROPPED_HEADERS = frozenset({"content-type", "accept", "content-length"})


@dataclass
class BatchHttp:
    """One provider's endpoints, with its auth headers (never logged)."""

    client: httpx.AsyncClient
    provider: str
    base_url: str
    headers: Mapping[str, str]
    secrets: tuple[str, ...] = ()
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 180.0

    @classmethod
    def of(
        cls,
        client: httpx.AsyncClient,
        provider: str,
        base_url: str,
        wire_headers: Mapping[str, str],
        key: str | None,
    ) -> BatchHttp:
        """From the headers a send would use (auth, version, extras), minus its content ones."""
        headers = {k: v for k, v in wire_headers.items() if k.lower() not in _DROPPED_HEADERS}
        return cls(client, provider, base_url.rstrip("/"), headers, (key,) if key else ())

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else self.base_url + path

    async def call(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        files: Any = None,
        data: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        retry: bool = False,
    ) -> bytes:
        """The response body of a 2xx answer; otherwise a classified ProviderError."""
        attempts = READ_ATTEMPTS if retry else 1
        for attempt in range(attempts):
            try:
                return await self._once(method, path, body, files, data, params)
            except ProviderError as exc:
                if not exc.retryable or attempt == attempts - 1:
                    raise
                await asyncio.sleep(exc.retry_after_s or READ_BACKOFF_S * 2**attempt)
        raise AssertionError("unreachable")

    async def json(self, method: str, path: str, **kwargs: Any) -> Any:
        raw = await self.call(method, path, **kwargs)
        try:
            return json.loads(raw)
        except ValueError:
            raise ProviderError(
                ErrorCode.PROTOCOL,
                f"{method} {path}: the answer is not JSON",
                provider=self.provider,
            ) from None

    async def _once(
        self,
        method: str,
        path: str,
        body: Any,
        files: Any,
        data: Mapping[str, str] | None,
        params: Mapping[str, str] | None,
    ) -> bytes:
        try:
            response = await self.client.request(
                method,
                self.url(path),
                headers=dict(self.headers),
                json=body,
                files=files,
                data=data,
                params=params,
            )
        except httpx.HTTPError as exc:
            raise classify_exception(
                exc,
                provider=self.provider,
                connect_timeout_s=self.connect_timeout_s,
                read_timeout_s=self.read_timeout_s,
                secrets=self.secrets,
            ) from None
        content = response.content
        if response.status_code >= 300:
            raise classify_response(
                provider=self.provider,
                status=response.status_code,
                headers={k.lower(): v for k, v in response.headers.items()},
                body=content,
                now=time.time(),
                secrets=self.secrets,
            )
        return content
