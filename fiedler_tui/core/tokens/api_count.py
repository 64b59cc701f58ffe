"""``api`` counts: the provider's own count of the exact request, opt-in for hosted providers.

Which models are counted by their provider (:func:`counts_by_api`): a model's ``count:`` in
models.yaml, else its provider's, else ``api`` for an openai-compatible server on loopback (a
local llama.cpp or vLLM: nothing leaves the machine) and ``estimate`` for everything else; the
user can opt hosted providers in for one dry run or session (``--count-api PROVIDER|all``, the
Compose toggle). Kind ``openai`` is never asked: its models count exactly offline.

:class:`ProviderCounter` asks every chosen model at once, on its own event loop thread with one
HTTP client for its lifetime (the project's client: proxies, CAs, limits), at most
``max_concurrency`` requests in flight and ``provider.max_concurrency`` per provider, each count
bounded by ``timeout_s``. Counts are cached in memory for the process by provider, model and
the sha256 of the conversation (system prompt, package, turns), so a re-preview that changes
nothing asks nothing. Nothing is written to disk: the next process asks again. A failed count
is reported with its reason and the dry run falls back to the labelled estimate.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import Future
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from fiedler_tui.core.config.schema import Config, ModelSpec, ProviderKind
from fiedler_tui.core.network.route import is_loopback
from fiedler_tui.core.request import ReviewRequest
from fiedler_tui.core.terminal_text import escape_controls

if TYPE_CHECKING:  # the HTTP client and the providers are imported when a count is asked for:
    # a dry run whose models all count offline never loads them
    from fiedler_tui.core.http import httpx
    from fiedler_tui.core.providers.errors import ProviderError

ALL_PROVIDERS = "all"
"""``--count-api all``: every provider with a count endpoint."""
DEFAULT_COUNT_TIMEOUT_S = 10.0
DEFAULT_MAX_CONCURRENCY = 8
MAX_CACHED_COUNTS = 4096
REASON_MAX_CHARS = 160


def is_local(config: Config, model: ModelSpec) -> bool:
    """An openai-compatible server on this machine (loopback address)."""
    provider = config.provider_of(model)
    host = urlsplit(provider.base_url).hostname or ""
    return provider.kind is ProviderKind.OPENAI_COMPATIBLE and is_loopback(host)


def counts_by_api(config: Config, model: ModelSpec, opted_in: Collection[str] = ()) -> bool:
    """Whether ``model``'s dry-run count asks its provider (see the module's rules).

    ``opted_in``: provider names (or ``all``) the user allowed for this run; they win over
    models.yaml's ``count: estimate``.
    """
    provider = config.provider_of(model)
    chosen = model.count or provider.count
    if ALL_PROVIDERS in opted_in or provider.name in opted_in:
        asked = True
    elif chosen is not None:
        asked = chosen == "api"
    else:
        asked = is_local(config, model)
    if not asked:
        return False
    from fiedler_tui.core.providers.count_requests import COUNTABLE_KINDS

    return provider.kind in COUNTABLE_KINDS


def conversation_digest(request: ReviewRequest) -> str:
    """sha256 of everything a count depends on besides the model: the conversation's texts."""
    digest = hashlib.sha256()
    conversation = request.conversation
    for piece in (conversation.system, conversation.package_text):
        digest.update(len(piece).to_bytes(8, "big"))
        digest.update(piece.encode("utf-8", "surrogatepass"))
    for turn in conversation.turns:
        digest.update(turn.role.encode())
        digest.update(len(turn.text).to_bytes(8, "big"))
        digest.update(turn.text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def failure_reason(error: ProviderError) -> str:
    """``count endpoint failed: 401 <the provider's words>``, one escaped line."""
    from fiedler_tui.core.providers.errors import ErrorCode

    info = error.info
    status = f"{info.http_status} " if info.http_status else ""
    if info.code is ErrorCode.TIMEOUT and not status:
        status = "timeout: "
    message = " ".join(escape_controls(info.message).split())
    if len(message) > REASON_MAX_CHARS:
        message = message[: REASON_MAX_CHARS - 1] + "…"
    return f"count endpoint failed: {status}{message}"


class ProviderCounter:
    """Counts by the providers' count endpoints (an ``ApiTokenCounter``). Thread-safe; close it.

    ``keys``: provider name -> key (None for none). ``opted_in``: see :func:`counts_by_api`.
    """

    def __init__(
        self,
        config: Config,
        keys: Mapping[str, str | None],
        *,
        opted_in: Collection[str] = (),
        timeout_s: float = DEFAULT_COUNT_TIMEOUT_S,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        client_factory: Callable[[], httpx.AsyncClient] | None = None,
    ) -> None:
        self.config = config
        self.keys = dict(keys)
        self.opted_in = frozenset(opted_in)
        self.timeout_s = timeout_s
        self.max_concurrency = max_concurrency
        self._client_factory = client_factory or self._default_client
        self._cache: dict[tuple[str, str, str, str], int] = {}
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._client: httpx.AsyncClient | None = None
        self.requests_made = 0
        """Count requests actually sent (cache hits send none)."""

    def __enter__(self) -> ProviderCounter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _default_client(self) -> httpx.AsyncClient:
        from fiedler_tui.core.http import make_async_client

        return make_async_client(providers=self.config.providers.values())

    def wants(self, model: ModelSpec) -> bool:
        return counts_by_api(self.config, model, self.opted_in)

    def count_many(
        self, models: Sequence[ModelSpec], request: ReviewRequest
    ) -> dict[str, int | str]:
        """Model name -> its provider's count of ``request``, or why there is none. Models not
        counted by ``api`` are left out. Blocks the calling thread (call it from a worker)."""
        chosen = [m for m in models if self.wants(m)]
        if not chosen:
            return {}
        digest = conversation_digest(request)
        out: dict[str, int | str] = {}
        missing: list[ModelSpec] = []
        with self._lock:
            for model in chosen:
                found = self._cache.get(self._key(model, digest))
                if found is None:
                    missing.append(model)
                else:
                    out[model.name] = found
        if missing:
            future: Future[dict[str, int | str]] = asyncio.run_coroutine_threadsafe(
                self._count_all(missing, request), self._running_loop()
            )
            counted = future.result()
            with self._lock:
                for model in missing:
                    value = counted[model.name]
                    if isinstance(value, int):
                        if len(self._cache) >= MAX_CACHED_COUNTS:
                            self._cache.clear()
                        self._cache[self._key(model, digest)] = value
            out.update(counted)
        return out

    def _key(self, model: ModelSpec, digest: str) -> tuple[str, str, str, str]:
        provider = self.config.provider_of(model)
        return (provider.name, provider.base_url, model.wire_id, digest)

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(
                    target=loop.run_forever, name="fiedler-count-api", daemon=True
                )
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop

    async def _count_all(
        self, models: Sequence[ModelSpec], request: ReviewRequest
    ) -> dict[str, int | str]:
        from fiedler_tui.core.providers.counting import count_input_tokens
        from fiedler_tui.core.providers.errors import ProviderError
        from fiedler_tui.core.providers.profile import ModelProfile

        if self._client is None:
            self._client = self._client_factory()
        client = self._client
        overall = asyncio.Semaphore(self.max_concurrency)
        per_provider = {
            name: asyncio.Semaphore(spec.max_concurrency)
            for name, spec in self.config.providers.items()
        }

        async def one(model: ModelSpec) -> int | str:
            profile = ModelProfile.from_config(self.config, model)
            async with overall, per_provider[model.provider]:
                self.requests_made += 1
                try:
                    async with asyncio.timeout(2 * self.timeout_s):
                        return await count_input_tokens(
                            client,
                            profile,
                            request,
                            self.keys.get(model.provider),
                            self.timeout_s,
                        )
                except ProviderError as exc:
                    return failure_reason(exc)
                except TimeoutError:
                    return f"count endpoint failed: timeout: no answer in {2 * self.timeout_s:g} s"

        results = await asyncio.gather(*(one(m) for m in models))
        return {m.name: r for m, r in zip(models, results, strict=True)}

    def close(self) -> None:
        """Close the client and stop the loop thread (idempotent)."""
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None:
            return
        if self._client is not None:
            client, self._client = self._client, None
            asyncio.run_coroutine_threadsafe(client.aclose(), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join()
        loop.close()
