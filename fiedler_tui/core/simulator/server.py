"""The loopback provider simulator: OpenAI, Anthropic and Gemini wire formats on one port.

::

    async with Simulator({"gpt-sim": ModelScript(ttft_s=0.2)}) as sim:
        sim.base_url("openai")      # http://127.0.0.1:PORT/openai/v1
        sim.base_url("anthropic")   # http://127.0.0.1:PORT/anthropic
        sim.base_url("gemini")      # http://127.0.0.1:PORT/gemini/v1beta

Routes (any first path segment, the *prefix*, may precede them, so several simulated providers
can share the port and still be counted apart):

- ``POST …/v1/chat/completions`` and ``GET …/v1/models`` (OpenAI and compatibles)
- ``POST …/v1/messages`` (Anthropic)
- ``GET …/v1/models`` with ``anthropic-version`` (Anthropic) and ``GET …/v1beta/models``
  (Gemini), paged as those providers page them (see ``model_lists``)
- ``POST …/v1beta/models/{model}:streamGenerateContent?alt=sse`` (Gemini)
- the batch APIs: ``…/v1/files``, ``…/v1/batches`` (OpenAI), ``…/v1/messages/batches``
  (Anthropic), ``…/v1beta/models/{model}:batchGenerateContent`` and ``…/v1beta/batches``
  (Gemini) (see ``batch_api``)
- the count endpoints: ``POST …/v1/messages/count_tokens``, ``POST …/v1beta/models/{model}:
  countTokens``, ``POST …/apply-template`` and ``POST …/tokenize`` (see ``count_endpoints``)

Models are looked up by the wire id in the request; an unknown one gets the dialect's real 404.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import replace
from types import TracebackType
from typing import Any

from fiedler_tui.core.simulator.batch_api import BatchService
from fiedler_tui.core.simulator.count_endpoints import (
    answer_count,
    gemini_count_body,
    tokenize_answer,
)
from fiedler_tui.core.simulator.deliberation import deliberation_reply
from fiedler_tui.core.simulator.http11 import BadRequest, HttpRequest, Responder, read_request
from fiedler_tui.core.simulator.model_lists import (
    LARGEST_PAGE,
    ModelsEndpoint,
    anthropic_page,
    gemini_page,
    openai_list,
    refusal,
)
from fiedler_tui.core.simulator.prompt_cache import PromptCache
from fiedler_tui.core.simulator.rate_limits import RateMeter, charge, limit_headers, too_large
from fiedler_tui.core.simulator.recording import RecordedRequest, Recorder
from fiedler_tui.core.simulator.script import Fault, FaultKind, ModelScript, count_tokens
from fiedler_tui.core.simulator.wire import Dialect, WireStream
from fiedler_tui.core.simulator.wire_anthropic import AnthropicDialect
from fiedler_tui.core.simulator.wire_gemini import GeminiDialect
from fiedler_tui.core.simulator.wire_openai import OpenAIDialect

MIN_PACING_SLEEP_S = 0.002
HUGE_ERROR_DEFAULT_BYTES = 8 * 1024 * 1024
HUGE_ERROR_CHUNK_BYTES = 64 * 1024
HUGE_ERROR_CHUNK_PAUSE_S = 0.003
_OPENAI = OpenAIDialect()
_ANTHROPIC = AnthropicDialect()
_GEMINI = GeminiDialect()
_GEMINI_PATH = re.compile(r"^(?P<prefix>.*)/v1beta/models/(?P<model>[^/:]+):(?P<method>\w+)$")
_KIND_SUFFIX = {
    "openai": "/v1",
    "openai-compatible": "/v1",
    "anthropic": "",
    "gemini": "/v1beta",
}
_STREAM_FAULTS = frozenset(
    {
        FaultKind.STALL,
        FaultKind.TRUNCATE,
        FaultKind.MALFORMED,
        FaultKind.STREAM_ERROR,
    }
)


def simulator_base_url(root_url: str, kind: str, prefix: str | None = None) -> str:
    """The base URL of a simulated provider of ``kind`` on a simulator at ``root_url``."""
    return f"{root_url}/{prefix or str(kind)}{_KIND_SUFFIX[str(kind)]}"


class Simulator:
    """Scripted provider endpoints on 127.0.0.1 (a free port unless one is given)."""

    def __init__(
        self,
        scripts: Mapping[str, ModelScript],
        *,
        default_script: ModelScript | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        ssl_context: ssl.SSLContext | None = None,
        tokenize: str = "llama.cpp",
        listed_models: Sequence[str] | None = None,
        models_key: str | None = None,
        models_page_limit: int = LARGEST_PAGE,
    ) -> None:
        """``ssl_context``: serve HTTPS with this (server) context instead of plain HTTP.
        ``tokenize``: ``llama.cpp`` or ``vllm``, the local server whose count endpoints to play.
        ``listed_models``: the ids the models endpoints list (None: the scripts' names);
        ``models_key``: the key they require (None: none); ``models_page_limit``: the largest
        page they serve."""
        self.tokenize = tokenize
        self.listed_models = None if listed_models is None else tuple(listed_models)
        self.models_key = models_key
        self.models_page_limit = models_page_limit
        self.scripts: dict[str, ModelScript] = dict(scripts)
        self.default_script = default_script
        self.host = host
        self._port = port
        self._ssl_context = ssl_context
        self.recorder = Recorder()
        self._counts: dict[str, int] = {}
        self.prompt_cache = PromptCache()
        """Prefixes seen per model, so a repeated stable prefix is reported as cached."""
        self.rate_meter = RateMeter()
        """Tokens and requests used per model this minute (for the rate-limit headers)."""
        self.batches = BatchService(lambda model: self.scripts.get(model, self.default_script))
        """The batch APIs (see ``batch_api``): their behaviour and the requests received."""
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self._idle = asyncio.Event()

    # lifecycle -------------------------------------------------------------------------------

    async def start(self) -> Simulator:
        self._server = await asyncio.start_server(
            self._serve, self.host, self._port, ssl=self._ssl_context
        )
        self._port = self._server.sockets[0].getsockname()[1]
        return self

    async def close(self) -> None:
        if self._server is None:
            return
        self._server.close()
        for task in list(self._connections):
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)
        await self._server.wait_closed()
        self._server = None

    async def __aenter__(self) -> Simulator:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # addresses and observations -------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._port

    @property
    def root_url(self) -> str:
        scheme = "https" if self._ssl_context is not None else "http"
        return f"{scheme}://{self.host}:{self._port}"

    def base_url(self, kind: str, prefix: str | None = None) -> str:
        """The ``base_url`` to put in models.yaml for a provider of ``kind``.

        ``prefix`` defaults to the kind's name; give providers distinct prefixes to tell their
        traffic apart in :meth:`peak_for`.
        """
        return simulator_base_url(self.root_url, kind, prefix)

    @property
    def requests(self) -> list[RecordedRequest]:
        return self.recorder.requests

    def requests_for(self, model: str) -> list[RecordedRequest]:
        return self.recorder.for_model(model)

    @property
    def peak_concurrency(self) -> int:
        """The most requests ever in flight at once (since start or :meth:`reset`)."""
        return self.recorder.peak

    def peak_for(self, prefix: str) -> int:
        return self.recorder.peak_by_prefix.get(prefix, 0)

    async def wait_idle(self, timeout_s: float = 2.0) -> None:
        """Wait until no request is in flight (the server noticed every client that left)."""
        if self.recorder.active:
            async with asyncio.timeout(timeout_s):
                await self._idle.wait()

    def reset(self) -> None:
        """Forget recorded requests, peaks and fault positions."""
        self.recorder.reset()
        self._counts.clear()
        self.prompt_cache.clear()
        self.rate_meter.clear()
        self.batches.reset()

    # serving ---------------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        try:
            while True:
                try:
                    request = await read_request(reader)
                except (BadRequest, ValueError, asyncio.IncompleteReadError):
                    break
                if request is None:
                    break
                responder = Responder(reader, writer)
                with contextlib.suppress(ConnectionError):
                    await self._dispatch(request, responder)
                if not responder.keep_alive or writer.is_closing():
                    break
        except asyncio.CancelledError:
            pass
        finally:
            self._connections.discard(task)
            if not writer.is_closing():
                writer.close()
            with contextlib.suppress(ConnectionError, asyncio.CancelledError):
                await writer.wait_closed()

    async def _dispatch(self, request: HttpRequest, responder: Responder) -> None:
        path = request.path
        if await self.batches.handle(request, responder):
            return
        if request.method == "POST" and await self._count(request, responder):
            return
        if request.method == "GET" and path.endswith(("/v1/models", "/v1beta/models")):
            await self._list(request, responder)
            return
        if request.method == "POST" and path.endswith("/v1/chat/completions"):
            prefix = path.removesuffix("/v1/chat/completions")
            await self._generate(request, responder, prefix, _OPENAI, _model_field(request))
            return
        if request.method == "POST" and path.endswith("/v1/messages"):
            prefix = path.removesuffix("/v1/messages")
            await self._generate(request, responder, prefix, _ANTHROPIC, _model_field(request))
            return
        match = _GEMINI_PATH.match(path)
        if request.method == "POST" and match and match["method"] == "streamGenerateContent":
            await self._generate(request, responder, match["prefix"], _GEMINI, match["model"])
            return
        await responder.send_json(404, {"error": {"message": f"no route for {path}"}})

    async def _count(self, request: HttpRequest, responder: Responder) -> bool:
        """Answer a count endpoint; False when ``request`` is not one."""
        path = request.path
        body = _json_or_none(request)
        if path.endswith("/v1/messages/count_tokens"):
            prefix = path.removesuffix("/v1/messages/count_tokens")
            model = _model_field(request) or ""
            tokens = count_tokens(_ANTHROPIC.prompt_text(body))
            work = answer_count(
                responder, _ANTHROPIC, model, self.scripts.get(model), {"input_tokens": tokens}
            )
            await self._track(request, responder, prefix, _ANTHROPIC, model, work, attempt=False)
            return True
        match = _GEMINI_PATH.match(path)
        if match and match["method"] == "countTokens":
            model = match["model"]
            tokens = count_tokens(_GEMINI.prompt_text(gemini_count_body(body)))
            work = answer_count(
                responder, _GEMINI, model, self.scripts.get(model), {"totalTokens": tokens}
            )
            await self._track(
                request, responder, match["prefix"], _GEMINI, model, work, attempt=False
            )
            return True
        local = self.default_script or next(iter(self.scripts.values()), None)
        if path.endswith("/apply-template") and self.tokenize == "llama.cpp":
            prefix = path.removesuffix("/apply-template")
            payload = {"prompt": _OPENAI.prompt_text(body)}
            work = answer_count(responder, _OPENAI, "", local, payload, check_model=False)
            await self._track(request, responder, prefix, _OPENAI, None, work, attempt=False)
            return True
        if path.endswith("/tokenize"):
            prefix = path.removesuffix("/tokenize")
            named = _model_field(request)
            script = self.scripts.get(named, self.default_script) if named else local
            answer = tokenize_answer(body, _OPENAI.prompt_text(body))
            if answer is None:
                work = responder.send_json(400, {"error": {"message": "no content or messages"}})
            else:
                work = answer_count(responder, _OPENAI, named or "", script, answer)
            await self._track(request, responder, prefix, _OPENAI, named, work, attempt=False)
            return True
        return False

    async def _list(self, request: HttpRequest, responder: Responder) -> None:
        """A models endpoint in the request's dialect (see ``simulator.model_lists``)."""
        path = request.path
        endpoint = ModelsEndpoint(
            ids=tuple(self.scripts) if self.listed_models is None else self.listed_models,
            key=self.models_key,
            page_limit=self.models_page_limit,
        )
        dialect: Dialect
        if path.endswith("/v1beta/models"):
            prefix, dialect = path.removesuffix("/v1beta/models"), _GEMINI
        else:
            prefix = path.removesuffix("/v1/models")
            dialect = _ANTHROPIC if "anthropic-version" in request.headers else _OPENAI

        async def answer() -> None:
            refused = refusal(endpoint, request, dialect)
            if refused is not None:
                await _send_error(responder, refused)
            elif dialect is _GEMINI:
                await responder.send_json(200, gemini_page(endpoint, request))
            elif dialect is _ANTHROPIC:
                await responder.send_json(200, anthropic_page(endpoint, request))
            else:
                await responder.send_json(200, openai_list(endpoint))

        await self._track(request, responder, prefix, dialect, None, answer(), attempt=False)

    async def _generate(
        self,
        request: HttpRequest,
        responder: Responder,
        prefix: str,
        dialect: Dialect,
        model: str | None,
    ) -> None:
        script = self.scripts.get(model or "", self.default_script)
        body = _json_or_none(request)
        work = self._respond(responder, dialect, model or "", script, body)
        await self._track(request, responder, prefix, dialect, model, work)

    async def _track(
        self,
        request: HttpRequest,
        responder: Responder,
        prefix: str,
        dialect: Dialect,
        model: str | None,
        work: Any,
        *,
        attempt: bool = True,
    ) -> None:
        """Record ``request`` while ``work`` answers it; ``attempt``: it uses up one of the
        model's scripted faults (count requests do not)."""
        key = model or ""
        if attempt:
            self._counts[key] = self._counts.get(key, 0) + 1
        record = RecordedRequest(
            method=request.method,
            path=request.path,
            query=request.query,
            headers=request.headers,
            body=_json_or_none(request),
            dialect=dialect.name,
            prefix=prefix.strip("/"),
            model=model,
            attempt=self._counts.get(key, 0),
        )
        self.recorder.requests.append(record)
        self.recorder.enter(record.prefix)
        self._idle.clear()
        try:
            await work
        finally:
            self.recorder.leave(record.prefix)
            if not self.recorder.active:
                self._idle.set()
            record.status = responder.status
            record.client_disconnected = responder.client_gone and not responder.complete

    async def _respond(
        self,
        responder: Responder,
        dialect: Dialect,
        model: str,
        script: ModelScript | None,
        body: Any,
    ) -> None:
        if script is None:
            await _send_error(responder, dialect.not_found(model))
            return
        attempt = self._counts.get(model, 1) - 1
        fault = script.faults[attempt] if attempt < len(script.faults) else None
        if fault is not None and fault.kind is FaultKind.RESET and fault.after_tokens == 0:
            await responder.pause(script.ttft_s)
            responder.reset()
            return
        if fault is not None and fault.kind is FaultKind.HTTP:
            await responder.send(
                fault.status or 500, (fault.body or "").encode(), headers=fault.headers
            )
            return
        if fault is not None and fault.kind is FaultKind.HUGE_ERROR:
            await _send_huge_error(responder, fault)
            return
        if fault is not None and fault.kind not in _STREAM_FAULTS | {FaultKind.RESET}:
            await _send_error(responder, dialect.error(fault, model))
            return
        text = dialect.prompt_text(body)
        if script.deliberates:
            script = replace(script, reply=deliberation_reply(script.reply, model, text))
        input_tokens = count_tokens(text)
        limited = dialect.name in ("openai", "anthropic") and (
            script.tokens_per_minute or script.requests_per_minute
        )
        extra_headers: tuple[tuple[str, str], ...] = ()
        if limited:
            now = asyncio.get_running_loop().time()
            cost = charge(dialect.name, input_tokens, body)
            tpm = script.tokens_per_minute
            window = self.rate_meter.use(
                f"{dialect.name}:{model}", 0 if tpm and cost > tpm else cost, now
            )
            extra_headers = limit_headers(
                dialect.name,
                tokens_per_minute=tpm,
                requests_per_minute=script.requests_per_minute,
                window=window,
                now=now,
            )
            if tpm and cost > tpm:
                await _send_error(
                    responder, too_large(dialect.name, model, tpm, cost, extra_headers)
                )
                return
        stream = dialect.stream(model=model, body=body, input_tokens=input_tokens)
        stream.extra_headers = extra_headers
        key = f"{dialect.name}:{model}"
        if dialect.explicit_cache:
            stream.cache = self.prompt_cache.marked(key, dialect.marked_prefix(body))
        else:
            stream.cache = self.prompt_cache.automatic(key, text)
        await _stream(responder, stream, script, fault)


async def _stream(
    responder: Responder, stream: WireStream, script: ModelScript, fault: Fault | None
) -> None:
    loop = asyncio.get_running_loop()
    await responder.start_stream(stream.content_type, stream.headers() + stream.extra_headers)
    thoughts = ModelScript(reply=script.thoughts).tokens() if script.thoughts else []
    shown = bool(thoughts) and stream.streams_thoughts()
    stream.thinking = shown
    await responder.chunk(stream.opening())
    if not await responder.pause(script.ttft_s):
        return
    if shown:
        for piece in thoughts:
            await responder.chunk(stream.thought(piece))
        await responder.chunk(stream.thoughts_done())
    tokens = script.tokens()
    began = loop.time()
    index = 0
    while index < len(tokens):
        if fault is not None and index == fault.after_tokens:
            if not await _stream_fault(responder, stream, fault):
                return
            if fault.kind is not FaultKind.STALL:
                return
        if script.tokens_per_s and index:
            wait = began + index / script.tokens_per_s - loop.time()
            if wait > 0 and not await responder.pause(max(wait, MIN_PACING_SLEEP_S)):
                return
        # Tokens already due go out in one write (as separate events), like a busy server's.
        due = _due_tokens(index, len(tokens), began, script.tokens_per_s, loop.time(), fault)
        await responder.chunk(b"".join(stream.token(t) for t in tokens[index : index + due]))
        index += due
    if fault is not None and fault.after_tokens >= len(tokens):
        if not await _stream_fault(responder, stream, fault):
            return
        if fault.kind is not FaultKind.STALL:
            return
    await responder.chunk(
        stream.closing(
            finish=script.finish, output_tokens=len(tokens), thought_tokens=len(thoughts)
        )
    )
    await responder.end_stream()


def _due_tokens(
    index: int, total: int, began: float, rate: float | None, now: float, fault: Fault | None
) -> int:
    """How many tokens from ``index`` are due by ``now`` (at least one, never past a fault)."""
    limit = total - index
    if fault is not None and fault.after_tokens > index:
        limit = min(limit, fault.after_tokens - index)
    if not rate:
        return 1
    due = int((now - began) * rate) + 1 - index
    return max(1, min(due, limit))


async def _stream_fault(responder: Responder, stream: WireStream, fault: Fault) -> bool:
    """Play a mid-stream fault; True when the stream may go on (a stall that recovered)."""
    if fault.kind is FaultKind.RESET:
        responder.reset()
        return False
    if fault.kind is FaultKind.STALL:
        return await responder.pause(fault.stall_s)
    if fault.kind is FaultKind.TRUNCATE:
        await responder.end_stream()
    elif fault.kind is FaultKind.MALFORMED:
        await responder.chunk(stream.malformed())
        await responder.end_stream()
    elif fault.kind is FaultKind.STREAM_ERROR:
        await responder.chunk(stream.error_event())
        await responder.end_stream()
    return False


async def _send_huge_error(responder: Responder, fault: Fault) -> None:
    """``{"error": {"message": "overloaded overloaded ...", ...}}``, ``body_bytes`` long, in
    chunks; stops as soon as the client leaves."""
    size = fault.body_bytes or HUGE_ERROR_DEFAULT_BYTES
    start, end = b'{"error": {"type": "server_error", "message": "', b'"}}'
    filler = b"overloaded " * (HUGE_ERROR_CHUNK_BYTES // 11)
    await responder.start_stream("application/json", status=fault.status or 500)
    await responder.chunk(start)
    left = size - len(start) - len(end)
    while left > 0:
        if not await responder.pause(HUGE_ERROR_CHUNK_PAUSE_S):
            return
        piece = filler[: min(left, len(filler))]
        await responder.chunk(piece)
        left -= len(piece)
    await responder.chunk(end)
    await responder.end_stream()


async def _send_error(responder: Responder, reply: Any) -> None:
    await responder.send(
        reply.status, reply.body, content_type=reply.content_type, headers=reply.headers
    )


def _model_field(request: HttpRequest) -> str | None:
    body = _json_or_none(request)
    model = body.get("model") if isinstance(body, dict) else None
    return model if isinstance(model, str) else None


def _json_or_none(request: HttpRequest) -> Any:
    try:
        return request.json()
    except ValueError:
        return None
